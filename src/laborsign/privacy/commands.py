"""`laborsign privacy ...`: the personal-data keyring and re-encryption after rotation."""

from __future__ import annotations

from pathlib import Path

import click

from laborsign.privacy.keyring import new_keyring, rotate_keyring_file, write_keyring


@click.group()
def privacy() -> None:
    """Personal-data keys (个人数据密钥): create, rotate, re-encrypt."""


@privacy.command("keyring-create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def keyring_create(path: Path) -> None:
    """Create a new keyring file (0600) for LABORSIGN_DATA_KEYRING_FILE; never overwrites."""
    if path.exists():
        raise click.ClickException(f"{path} exists; a keyring is never overwritten")
    write_keyring(path, new_keyring(), replace=False)
    click.echo(f"已创建密钥环 / created keyring {path}")


@privacy.command("rotate-key")
@click.pass_context
def rotate_key(ctx: click.Context) -> None:
    """Add a new data key version; new data uses it at once, old data still decrypts."""
    from laborsign.cli import container
    from laborsign.privacy.wiring import keyring_path

    version = rotate_keyring_file(keyring_path(container(ctx).settings))
    click.echo(f"当前数据密钥版本 / current data key version: {version}")
    click.echo("next: laborsign privacy reencrypt")


@privacy.command("reencrypt")
@click.pass_context
def reencrypt(ctx: click.Context) -> None:
    """Rewrite every encrypted column under the current key version (resumable)."""
    from laborsign.cli import container
    from laborsign.db.base import all_metadata
    from laborsign.privacy.rotation import reencrypt_all

    c = container(ctx)
    for table, count in reencrypt_all(c.engine, c.privacy, all_metadata()).items():
        click.echo(f"{table}: {count}")
