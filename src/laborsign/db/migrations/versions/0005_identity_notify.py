"""identity: ceremony links and sessions, OTP codes and send counters, verification
attempts, signing authorisations; notify: development outbox

Revision ID: 0005
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "ceremony_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("contract_id", sa.String(length=64), nullable=False),
        sa.Column("worker", sa.String(length=80), nullable=False),
        _at("created_at"),
        _at("expires_at"),
        _at("used_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ceremony_links")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_ceremony_links_token_digest")),
    )
    op.create_index(op.f("ix_ceremony_links_contract_id"), "ceremony_links", ["contract_id"])
    op.create_table(
        "ceremony_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("session_digest", sa.String(length=64), nullable=False),
        sa.Column("link_id", sa.String(length=32), nullable=False),
        sa.Column("contract_id", sa.String(length=64), nullable=False),
        sa.Column("worker", sa.String(length=80), nullable=False),
        _at("created_at"),
        _at("last_seen_at"),
        _at("ended_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ceremony_sessions")),
        sa.UniqueConstraint("session_digest", name=op.f("uq_ceremony_sessions_session_digest")),
    )
    op.create_index(op.f("ix_ceremony_sessions_contract_id"), "ceremony_sessions", ["contract_id"])
    op.create_table(
        "otp_codes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("phone_digest", sa.String(length=64), nullable=False),
        sa.Column("code_mac", sa.String(length=64), nullable=False),
        _at("issued_at"),
        _at("expires_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("closed_reason", sa.String(length=20), nullable=True),
        _at("closed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_otp_codes")),
    )
    op.create_index(op.f("ix_otp_codes_subject"), "otp_codes", ["subject"])
    op.create_table(
        "otp_send_counters",
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        _at("window_start"),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "scope", "key_digest", "window_start", name=op.f("pk_otp_send_counters")
        ),
    )
    op.create_table(
        "identity_attempts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("contract_id", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=60), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("authoritative", sa.Boolean(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        _at("at"),
        sa.Column("leaf_index", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_attempts")),
    )
    op.create_index(op.f("ix_identity_attempts_contract_id"), "identity_attempts", ["contract_id"])
    op.create_index(op.f("ix_identity_attempts_subject"), "identity_attempts", ["subject"])
    op.create_table(
        "signing_authorisations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("contract_id", sa.String(length=64), nullable=False),
        sa.Column("worker", sa.String(length=80), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        _at("issued_at"),
        _at("expires_at"),
        _at("used_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_authorisations")),
    )
    op.create_index(
        op.f("ix_signing_authorisations_contract_id"), "signing_authorisations", ["contract_id"]
    )
    op.create_table(
        "dev_outbox_messages",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient_masked", sa.String(length=120), nullable=False),
        sa.Column("recipient_digest", sa.String(length=64), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dev_outbox_messages")),
    )
    op.create_index(
        op.f("ix_dev_outbox_messages_recipient_digest"),
        "dev_outbox_messages",
        ["recipient_digest"],
    )


def downgrade() -> None:
    for table in (
        "dev_outbox_messages",
        "signing_authorisations",
        "identity_attempts",
        "otp_send_counters",
        "otp_codes",
        "ceremony_sessions",
        "ceremony_links",
    ):
        op.drop_table(table)
