"""`laborsign admin create-user`, `laborsign org create`, `laborsign apikey create`.

There are no default accounts: the first platform administrator is created here, with a
password the operator types (twice, hidden). The CLI acts in the system scope: whoever can
run it already holds the data home and the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from laborsign.db.tenancy import Scope
from laborsign.parties.organisations import KINDS, NewOrganisation
from laborsign.parties.roles import Role

if TYPE_CHECKING:
    from laborsign.bootstrap import Container


def _container(ctx: click.Context) -> Container:
    from laborsign.cli import container

    return container(ctx)


@click.group()
def admin() -> None:
    """Platform accounts."""


@admin.command("create-user")
@click.option("--username", required=True)
@click.option("--role", "role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", "org_id", default=None, help="organisation id (employer roles)")
@click.option("--display-name", default="")
@click.pass_context
def create_user(
    ctx: click.Context, username: str, role: str, org_id: str | None, display_name: str
) -> None:
    """Create an account; prints its TOTP secret and enrolment URI once."""
    password = click.prompt("Password / 密码", hide_input=True, confirmation_prompt=True)
    made = _container(ctx).parties.accounts.create(
        Scope.system("cli"),
        username=username,
        display_name=display_name,
        password=password,
        roles=[Role(role)],
        org_id=org_id,
        now=datetime.now(UTC),
    )
    click.echo(f"created account {made.id}")
    if made.totp_secret:
        click.echo("TOTP (shown once; add it to an authenticator app now):")
        click.echo(f"  secret: {made.totp_secret}")
        click.echo(f"  uri:    {made.totp_uri}")


@click.group()
def org() -> None:
    """Organisations (employers, dispatch agencies)."""


@org.command("create")
@click.option("--kind", type=click.Choice(KINDS), default="employer")
@click.option("--name", required=True)
@click.option("--credit-code", required=True)
@click.option("--legal-representative", required=True)
@click.option("--address", required=True)
@click.option("--phone", required=True)
@click.option("--dispatch-licence", default=None)
@click.pass_context
def create_org(
    ctx: click.Context,
    kind: str,
    name: str,
    credit_code: str,
    legal_representative: str,
    address: str,
    phone: str,
    dispatch_licence: str | None,
) -> None:
    """Register an organisation and issue its organisation certificate."""
    data = NewOrganisation(
        kind,
        name,
        credit_code,
        legal_representative,
        address,
        phone,
        dispatch_licence=dispatch_licence,
    )
    made = _container(ctx).parties.organisations.create(
        Scope.system("cli"), data, datetime.now(UTC)
    )
    click.echo(f"created organisation {made['id']} (certificate {made['certificate_serial']})")


@click.group()
def apikey() -> None:
    """API keys for HR-system integration."""


@apikey.command("create")
@click.option("--org", "org_id", required=True)
@click.option("--name", default="hr-system")
@click.option("--scope", "scopes", multiple=True, required=True)
@click.pass_context
def create_key(ctx: click.Context, org_id: str, name: str, scopes: tuple[str, ...]) -> None:
    """Create a key for an organisation; the token is printed once."""
    parties = _container(ctx).parties
    parties.organisations.get(Scope.system("cli"), org_id)  # NotFound for an unknown id
    scope = Scope.employer(org_id, "cli", [Role.EMPLOYER_ADMIN])
    made = parties.api_keys.create(scope, name, list(scopes), datetime.now(UTC))
    click.echo(f"created API key {made['id']}")
    click.echo(f"token (shown once): {made['token']}")
