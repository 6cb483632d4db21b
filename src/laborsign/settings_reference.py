"""docs/configuration.md, generated from `Settings` so that it never falls behind.

`python -m laborsign.settings_reference > docs/configuration.md` rewrites it; a test fails
when the committed file differs.
"""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_core import PydanticUndefined

from laborsign.settings import Settings

# Settings are grouped by the first matching name prefix; each group says what it is for.
GROUPS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "Platform",
        ("mode", "home", "database_", "host", "port", "public_url", "secret_key", "log_level"),
        "Where the platform keeps its data and how it is reached. Production mode refuses "
        "development secrets and a public URL that is not HTTPS.",
    ),
    (
        "Keys, CA and time stamps",
        ("key_", "master_key", "pkcs11_", "tsa_"),
        "The built-in CA's key algorithm, where private keys live (encrypted files or a "
        "PKCS#11 token) and an external RFC 3161 TSA (empty `tsa_url`: the built-in one).",
    ),
    (
        "Evidence log",
        ("evidence_",),
        "The log's origin line, checkpoint schedule, witnesses and outside anchors.",
    ),
    (
        "Staff accounts",
        ("password_", "login_", "session_", "argon2_"),
        "Password age, lockout, sessions and password hashing (Argon2id).",
    ),
    (
        "Jobs, outbox and webhooks",
        ("jobs_", "webhook_", "outbox_"),
        "The job queue (SQLite file, Redis, or immediate for tests) and delivery retries.",
    ),
    (
        "Documents and personal data",
        ("data_keyring", "storage_", "s3_", "retention_"),
        "Field-encryption keys, the document store (local files or S3-compatible object "
        "storage) and how long contracts are kept after they end.",
    ),
    (
        "Notifications",
        ("sms_", "email_", "smtp_", "wechat_"),
        "SMS (the development outbox or Alibaba Cloud SMS), e-mail over SMTP, WeChat.",
    ),
    (
        "Signing ceremony and identity",
        ("ceremony_", "otp_", "signing_", "realname_", "face_"),
        "Link and session lifetimes, one-time codes, real-name and face verification.",
    ),
    (
        "Deadline watch and filing",
        ("watch_", "filing_"),
        "When HR is alerted, and where exports to the labor department are pushed.",
    ),
)


def _group_of(name: str) -> str:
    for title, prefixes, _ in GROUPS:
        if name.startswith(prefixes):
            return title
    return "Other"


def _default(name: str) -> str:
    field = Settings.model_fields[name]
    if field.default_factory is not None:
        return "(computed)"
    value = field.default
    if value is PydanticUndefined or value is None or value == "":
        return ""
    if isinstance(value, SecretStr):
        return "(secret)"
    return f"`{getattr(value, 'value', value)}`"


def reference() -> str:
    lines = [
        "# Configuration",
        "",
        "Every setting is read from an environment variable `LABORSIGN_<NAME>` or from a",
        "`.env` file in the working directory. Generated from `laborsign/settings.py` by",
        "`python -m laborsign.settings_reference`; do not edit by hand.",
        "",
    ]
    groups: dict[str, list[str]] = {}
    for name in Settings.model_fields:
        groups.setdefault(_group_of(name), []).append(name)
    for title, _, intro in (*GROUPS, ("Other", (), "")):
        names = groups.get(title)
        if not names:
            continue
        lines += [f"## {title}", ""]
        if intro:
            lines += [intro, ""]
        lines += ["| variable | default |", "|---|---|"]
        lines += [f"| `LABORSIGN_{n.upper()}` | {_default(n)} |" for n in names]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(reference(), end="")
