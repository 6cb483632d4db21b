"""`laborsign bench privacy`: field encryption, blind indexes and the local document store."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from laborsign.bench import bench, median_ms
from laborsign.privacy.cipher import Privacy, Purpose
from laborsign.privacy.keyring import new_keyring
from laborsign.privacy.keys import KeyringProvider

_ID = Purpose.id_number("bench.id_number")


@bench.command("privacy")
@click.option("--repeat", default=2000, show_default=True)
@click.option("--document-kib", default=512, show_default=True, help="size of the document")
def bench_privacy(repeat: int, document_kib: int) -> None:
    """Median times per personal-data field and per stored document (fresh keys, temp dir)."""
    from laborsign.storage.local import LocalDocumentStore

    keys = KeyringProvider(new_keyring())
    privacy = Privacy(keys)
    cipher = privacy.cipher(_ID)
    blob = cipher.encrypt("11010519491231002X")
    results = {
        "encrypt field": median_ms(lambda: cipher.encrypt("11010519491231002X"), repeat=repeat),
        "decrypt field": median_ms(lambda: cipher.decrypt(blob), repeat=repeat),
        "blind index": median_ms(
            lambda: privacy.blind_index("11010519491231002x", _ID), repeat=repeat
        ),
    }
    for name, ms in results.items():
        click.echo(f"{name}: {ms * 1000:.1f} µs median")
    with tempfile.TemporaryDirectory() as directory:
        store = LocalDocumentStore(Path(directory), keys)
        data = os.urandom(document_kib * 1024)
        documents = max(repeat // 20, 10)
        # Each put stores a new document (fresh bytes), so none is skipped as a duplicate.
        fresh = iter([os.urandom(16) + data for _ in range(documents + 3)])
        put = median_ms(
            lambda: store.put("bench", next(fresh), "application/pdf"), repeat=documents
        )
        ref = store.put("bench", data, "application/pdf")
        get = median_ms(lambda: store.get("bench", ref.sha256), repeat=documents)
    click.echo(f"local store put ({document_kib} KiB, fsync): {put:.2f} ms median")
    click.echo(f"local store get ({document_kib} KiB, verified): {get:.2f} ms median")
