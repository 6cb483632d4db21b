"""merge the domain branches; actor columns wide enough for API-key actors

An API key acts as `apikey:<uuid>` (43 characters); the columns that record who created or
acknowledged something were 36 wide, which PostgreSQL enforces and SQLite does not.

Revision ID: 0020
Revises: 0002, 0005, 0006, 0008, 0009, 0010, 0017, 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = ("0002", "0005", "0006", "0008", "0009", "0010", "0017", "0019")
branch_labels = None
depends_on = None

ACTOR_COLUMNS = {
    "contracts": ("created_by", "acknowledged_by"),
    "contract_renewals": ("created_by",),
    "contract_amendments": ("created_by",),
    "contract_terminations": ("created_by",),
}


def _resize(length: int) -> None:
    for table, columns in ACTOR_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    existing_type=sa.String(length=36 if length == 64 else 64),
                    type_=sa.String(length=length),
                    existing_nullable=column == "acknowledged_by",
                )


def upgrade() -> None:
    _resize(64)


def downgrade() -> None:
    _resize(36)
