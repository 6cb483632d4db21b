"""The PKCS#11 path end to end: CA, TSA, organisation and worker keys on a SoftHSM2 token,
a contract signed through `KeyStoreSigner` and verified.

Skipped with the reason when SoftHSM2 is not installed; fails instead under CI=true (the
token fixture decides)."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from tests.conftest import SOFTHSM_LIBRARY as LIBRARY

from laborsign.bootstrap import Container
from laborsign.contracts.examples import example_contract
from laborsign.contracts.render import shared_renderer
from laborsign.pki.ca import ISSUING_LABEL
from laborsign.settings import Settings
from laborsign.signing.images import drawn_signature_png
from laborsign.signing.keystore_pkcs11 import Pkcs11KeyStore
from laborsign.signing.service import (
    Organisation,
    SigningService,
    WorkerIdentity,
    organisation_label,
)
from laborsign.signing.signer import to_asn1
from laborsign.verification import verify_pdf


def test_a_contract_signed_with_keys_on_a_pkcs11_token_verifies(
    softhsm_token: tuple[str, str], tmp_path: Path
) -> None:
    label, pin = softhsm_token
    settings = Settings(
        home=tmp_path / "home",
        database_url=f"sqlite:///{tmp_path / 'test.db'}",
        key_store="pkcs11",
        pkcs11_library=LIBRARY,
        pkcs11_token_label=label,
        pkcs11_pin=SecretStr(pin),
    )
    container = Container(settings)
    container.init()
    store = container.key_store
    assert isinstance(store, Pkcs11KeyStore)
    assert store.exists(ISSUING_LABEL)  # the CA's keys were generated on the token

    worker_labels: list[str] = []

    def worker_label() -> str:
        worker_labels.append(f"worker-hsm-{len(worker_labels)}")
        return worker_labels[-1]

    service = SigningService(
        store,
        container.ca,
        container.timestamper,
        container.secret_key,
        container.uow,
        new_worker_label=worker_label,
    )
    contract = example_contract()
    rendered = shared_renderer().render(contract)
    organisation = Organisation(contract.employer.name, contract.employer.credit_code)
    worker = WorkerIdentity(contract.worker.name, contract.worker.id_number)

    pdf = service.prepare(rendered.pdf, rendered.boxes)
    pdf = service.sign_as_employer(pdf, organisation)  # employer first: a per-contract choice
    pdf = service.sign_as_worker(pdf, worker, drawn_signature_png(worker.name))
    pdf = service.complete(pdf)

    report = verify_pdf(pdf, [to_asn1(container.ca.root)])
    assert report.valid, report.to_json()
    employer, signed_worker, _ = report.signatures
    assert employer.signer == organisation.name and employer.certification == "FILL_FORMS"
    assert signed_worker.signer == worker.name and signed_worker.certification is None
    assert store.exists(organisation_label(organisation.credit_code))
    assert worker_labels == ["worker-hsm-0"]
    assert not store.exists(worker_labels[0])  # the one-act key is gone from the token
    store.close()
    container.engine.dispose()
