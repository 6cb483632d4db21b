"""contracts and their stored document revisions

Revision ID: 0007
Revises: 0004

`contracts.data` is LargeBinary: the whole contract as one AES-256-GCM ciphertext written by
laborsign.privacy; the other columns hold no personal data.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contracts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("worker_id", sa.String(length=36), nullable=True),
        sa.Column("template", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("signing_order", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("employer_credit_code", sa.String(length=18), nullable=False),
        sa.Column("worker_index", sa.String(length=64), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("term_type", sa.String(length=20), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=True),
        sa.Column("probation_end", sa.Date(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("acknowledged", sa.JSON(), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=36), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("intent_sha256", sa.String(length=64), nullable=True),
        sa.Column("intent_revision", sa.Integer(), nullable=True),
        sa.Column("worker_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("employer_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_contracts_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_contracts_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("org_id", "number", name=op.f("uq_contracts_org_id")),
    )
    for column in (
        "org_id",
        "worker_id",
        "state",
        "employer_credit_code",
        "worker_index",
        "created_at",
        "expires_at",
    ):
        op.create_index(op.f(f"ix_contracts_{column}"), "contracts", [column], unique=False)
    op.create_table(
        "contract_documents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contract_id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("worker_id", sa.String(length=36), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_documents_contract_id_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_contract_documents_org_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_contract_documents_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_documents")),
        sa.UniqueConstraint(
            "contract_id", "kind", "revision", name=op.f("uq_contract_documents_contract_id")
        ),
    )
    for column in ("contract_id", "org_id", "worker_id"):
        op.create_index(
            op.f(f"ix_contract_documents_{column}"), "contract_documents", [column], unique=False
        )


def downgrade() -> None:
    op.drop_table("contract_documents")
    op.drop_table("contracts")
