"""filing exports, push deliveries and their attempts

Revision ID: 0017
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "filing_exports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("contracts", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence_leaf", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_exports")),
    )
    op.create_index(op.f("ix_filing_exports_org_id"), "filing_exports", ["org_id"])
    op.create_table(
        "filing_deliveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("export_id", sa.String(length=36), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("receipt_id", sa.String(length=200), nullable=True),
        sa.Column("receipt", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["export_id"],
            ["filing_exports.id"],
            name=op.f("fk_filing_deliveries_export_id_filing_exports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_deliveries")),
    )
    for column in ("org_id", "export_id", "status", "next_attempt_at"):
        op.create_index(op.f(f"ix_filing_deliveries_{column}"), "filing_deliveries", [column])
    op.create_table(
        "filing_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=2000), nullable=True),
        sa.Column("response_excerpt", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["filing_deliveries.id"],
            name=op.f("fk_filing_attempts_delivery_id_filing_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_attempts")),
    )
    for column in ("delivery_id", "org_id"):
        op.create_index(op.f(f"ix_filing_attempts_{column}"), "filing_attempts", [column])


def downgrade() -> None:
    op.drop_table("filing_attempts")
    op.drop_table("filing_deliveries")
    op.drop_table("filing_exports")
