"""The signing ceremony end to end: the worker's steps from the SMS link to his signature,
the employer's signature (single and batch), completion, retrieval, certified paper copies,
authority access, reminders and expiry. Thin services over the contract, identity, signing
and evidence services; routes in `routes.py` (docs/ceremony.md)."""
