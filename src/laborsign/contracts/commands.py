"""`laborsign contract ...` commands: examples, labor-law checks, the schema, rendering."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import BinaryIO, Literal

import click
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from laborsign.contracts.examples import example_contract
from laborsign.contracts.io import decode_input, dump_contract, load_contract
from laborsign.contracts.model import TemplateId
from laborsign.contracts.rules import Finding, MinimumWages, RuleContext, Severity, check
from laborsign.contracts.rules.catalogue import rules_markdown
from laborsign.contracts.schema import contract_schema
from laborsign.i18n import Text

OutputLang = Literal["zh", "en", "both"]


@click.group()
def contract() -> None:
    """Contract documents: examples, labor-law checks, rendering."""


@contract.command("example")
@click.option(
    "--template",
    type=click.Choice([t.value for t in TemplateId]),
    default=TemplateId.GENERAL.value,
    show_default=True,
    help="which model text the example fills",
)
def example(template: str) -> None:
    """Print a complete example contract as JSON (a starting point for your own)."""
    click.echo(dump_contract(example_contract(TemplateId(template))))


@contract.command("rules")
def rules_command() -> None:
    """Print the table of labor-law rules (Markdown, as in docs/rules.md)."""
    click.echo(rules_markdown(), nl=False)


@contract.command("schema")
def schema() -> None:
    """Print the JSON Schema of a contract document."""
    click.echo(contract_schema(), nl=False)


def _minimum_wages(ctx: click.Context) -> MinimumWages | None:
    """The database's figures when the data home is initialised, else None (rules say so)."""
    from laborsign.cli import container

    c = container(ctx)
    # An SQLite URL would create an empty file on first connect: only use one that exists.
    if not c.settings.database_url and not (c.settings.home / "laborsign.db").exists():
        return None
    try:
        if not inspect(c.engine).has_table("minimum_wages"):
            return None
    except SQLAlchemyError:
        return None
    return c.minimum_wages


def _label(severity: Severity) -> Text:
    return Text("错误", "ERROR") if severity is Severity.ERROR else Text("警告", "WARNING")


def _pick(text: Text, lang: OutputLang) -> str:
    return text.both() if lang == "both" else text.get(lang)


def format_finding(f: Finding, lang: OutputLang) -> str:
    head = f"{_pick(_label(f.severity), lang)} [{f.rule_id}] {f.field}"
    if lang == "both":
        body = f"    {f.message.zh}\n    {f.message.en}"
        basis = f"    依据 / basis: {f.article.zh} / {f.article.en}"
    else:
        body = f"    {f.message.get(lang)}"
        basis = f"    {'依据' if lang == 'zh' else 'basis'}: {f.article.get(lang)}"
    return f"{head}\n{body}\n{basis}"


def _summary(findings: list[Finding], lang: OutputLang) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    text = Text(
        f"{errors} 个错误，{warnings} 个警告" + ("（错误须改正后才能发送）" if errors else ""),
        f"{errors} error(s), {warnings} warning(s)"
        + (" (errors must be fixed before sending)" if errors else ""),
    )
    return _pick(text, lang)


@contract.command("check")
@click.argument("source", type=click.File("rb"), metavar="FILE|-")
@click.option("--json", "as_json", is_flag=True, help="findings as JSON")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en", "both"]),
    default="both",
    show_default=True,
    help="language of the findings",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="check as of this date (default: today)",
)
@click.pass_context
def check_command(
    ctx: click.Context,
    source: BinaryIO,
    as_json: bool,
    lang: OutputLang,
    today: datetime | None,
) -> None:
    """Check a contract (JSON) against the labor-law rules.

    Exit code 0: no error (warnings may remain); 1: a rule reports an error; 2: the input
    is not a valid contract.
    """
    contract_doc = load_contract(decode_input(source.read()))
    on = today.date() if today is not None else date.today()
    findings = check(contract_doc, RuleContext(today=on, minimum_wages=_minimum_wages(ctx)))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "contract": contract_doc.number,
                    "checked_on": on.isoformat(),
                    "errors": sum(f.severity is Severity.ERROR for f in findings),
                    "warnings": sum(f.severity is Severity.WARNING for f in findings),
                    "findings": [f.as_dict() for f in findings],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for f in findings:
            click.echo(format_finding(f, lang))
        click.echo(_summary(findings, lang))
    if any(f.severity is Severity.ERROR for f in findings):
        ctx.exit(1)


# Rendering lives with the renderer; registered here so it is `laborsign contract render`.
from laborsign.contracts.render.command import render_command  # noqa: E402

contract.add_command(render_command)
