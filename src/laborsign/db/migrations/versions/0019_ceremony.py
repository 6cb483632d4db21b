"""ceremony: organisation seals

Revision ID: 0019
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation_seals",
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=80), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_organisation_seals")),
    )


def downgrade() -> None:
    op.drop_table("organisation_seals")
