"""bulk_imports: progress of the background validation

Revision ID: 0022
Revises: 0021

An upload is now checked by the job `bulk.validate`: `rows_read` and `rows_checked` count
its progress and `checked_at` is when it last moved. Imports uploaded before were checked
within the upload, so they count as read and checked in full.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "bulk_imports",
        sa.Column("rows_read", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column(
        "bulk_imports",
        sa.Column("rows_checked", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column(
        "bulk_imports", sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(
        "UPDATE bulk_imports SET rows_read = rows_total, rows_checked = rows_total, "
        "checked_at = created_at"
    )


def downgrade() -> None:
    with op.batch_alter_table("bulk_imports") as batch:
        batch.drop_column("checked_at")
        batch.drop_column("rows_checked")
        batch.drop_column("rows_read")
