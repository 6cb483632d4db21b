"""after signing: renewals, amendments, terminations; legal holds and erasures

Revision ID: 0009
Revises: 0007

`contract_amendments.data` and `contract_terminations.data` are AES-256-GCM ciphertexts
written by laborsign.privacy, like `contracts.data`.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def _tenant_columns(table: str) -> list[Any]:
    return [
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f(f"fk_{table}_org_id_organisations")
        ),
    ]


def _worker_columns(table: str) -> list[Any]:
    return [
        sa.Column("worker_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f(f"fk_{table}_worker_id_workers")
        ),
    ]


def _contract_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["contracts.id"], name=op.f(f"fk_{table}_{column}_contracts")
    )


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "contract_renewals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("renewal_of", sa.String(length=36), nullable=False),
        *_tenant_columns("contract_renewals"),
        *_worker_columns("contract_renewals"),
        sa.Column("entitlement", sa.String(length=30), nullable=True),
        sa.Column("worker_choice", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _contract_fk("contract_renewals", "id"),
        _contract_fk("contract_renewals", "renewal_of"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_renewals")),
    )
    _indexes("contract_renewals", "renewal_of", "org_id", "worker_id")
    op.create_table(
        "contract_amendments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contract_id", sa.String(length=36), nullable=False),
        *_tenant_columns("contract_amendments"),
        *_worker_columns("contract_amendments"),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_by", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _contract_fk("contract_amendments", "contract_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_amendments")),
        sa.UniqueConstraint(
            "contract_id", "sequence", name=op.f("uq_contract_amendments_contract_id")
        ),
    )
    _indexes("contract_amendments", "contract_id", "org_id", "worker_id")
    op.create_table(
        "contract_terminations",
        sa.Column("contract_id", sa.String(length=36), nullable=False),
        *_tenant_columns("contract_terminations"),
        *_worker_columns("contract_terminations"),
        sa.Column("ground", sa.String(length=40), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=False),
        sa.Column("service_months", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("certificate_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _contract_fk("contract_terminations", "contract_id"),
        sa.PrimaryKeyConstraint("contract_id", name=op.f("pk_contract_terminations")),
    )
    _indexes("contract_terminations", "org_id", "worker_id", "terminated_on")
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contract_id", sa.String(length=36), nullable=False),
        *_tenant_columns("legal_holds"),
        *_worker_columns("legal_holds"),
        sa.Column("case_reference", sa.String(length=200), nullable=False),
        sa.Column("placed_by", sa.String(length=64), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_by", sa.String(length=64), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        _contract_fk("legal_holds", "contract_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    _indexes("legal_holds", "contract_id", "org_id", "worker_id")
    op.create_table(
        "contract_erasures",
        sa.Column("contract_id", sa.String(length=36), nullable=False),
        *_tenant_columns("contract_erasures"),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.Column("erased_by", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        _contract_fk("contract_erasures", "contract_id"),
        sa.PrimaryKeyConstraint("contract_id", name=op.f("pk_contract_erasures")),
    )
    _indexes("contract_erasures", "org_id")


def downgrade() -> None:
    for table in (
        "contract_erasures",
        "legal_holds",
        "contract_terminations",
        "contract_amendments",
        "contract_renewals",
    ):
        op.drop_table(table)
