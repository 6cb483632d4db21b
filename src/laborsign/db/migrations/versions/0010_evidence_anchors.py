"""evidence anchors: verified receipts of outside ledgers for published checkpoints

Revision ID: 0010
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE = "evidence_anchor_receipts"
MESSAGE = "evidence log rows are append-only"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("anchor", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("receipt_id", sa.String(length=200), nullable=False),
        sa.Column("receipt", sa.LargeBinary(), nullable=False),
        sa.Column("verifier_pem", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["size"],
            ["evidence_checkpoints.size"],
            name=op.f("fk_evidence_anchor_receipts_size_evidence_checkpoints"),
        ),
        sa.PrimaryKeyConstraint("size", "anchor", name=op.f("pk_evidence_anchor_receipts")),
    )
    # Receipts are evidence like the log itself: append-only (the function is from 0003).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION evidence_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION evidence_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade() -> None:
    op.drop_table(TABLE)
