"""built-in PKI: issued certificates and time-stamp serials

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_certificates",
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocation_reason", sa.String(length=30), nullable=True),
        sa.PrimaryKeyConstraint("serial", name=op.f("pk_issued_certificates")),
    )
    op.create_index(
        op.f("ix_issued_certificates_kind"), "issued_certificates", ["kind"], unique=False
    )
    op.create_table(
        "tsa_serials",
        sa.Column("serial", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_imprint", sa.LargeBinary(), nullable=False),
        sa.Column("gen_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("policy", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("serial", name=op.f("pk_tsa_serials")),
    )


def downgrade() -> None:
    op.drop_table("tsa_serials")
    op.drop_index(op.f("ix_issued_certificates_kind"), table_name="issued_certificates")
    op.drop_table("issued_certificates")
