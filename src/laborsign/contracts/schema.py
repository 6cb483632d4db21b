"""The published JSON Schema of a contract document (docs/contract.schema.json)."""

from __future__ import annotations

import json

from laborsign.contracts.model import Contract


def contract_schema() -> str:
    """The schema as committed: stable key order, Chinese unescaped, newline at the end."""
    schema = Contract.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://laborsign.org/schemas/contract-1.0.json"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
