"""bulk imports and their rows

Revision ID: 0008
Revises: 0007

`bulk_import_rows.data` is the row's contract as one AES-256-GCM ciphertext (laborsign.privacy);
the other columns hold no personal data.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bulk_imports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("template", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("sheet_sha256", sa.String(length=64), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_invalid", sa.Integer(), nullable=False),
        sa.Column("rows_warned", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_failed", sa.Integer(), nullable=False),
        sa.Column("rows_signed", sa.Integer(), nullable=False),
        sa.Column("sign", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=80), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_imports")),
    )
    op.create_index(op.f("ix_bulk_imports_org_id"), "bulk_imports", ["org_id"])
    op.create_index(op.f("ix_bulk_imports_state"), "bulk_imports", ["state"])
    op.create_table(
        "bulk_import_rows",
        sa.Column("import_id", sa.String(length=36), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("contract_id", sa.String(length=36), nullable=True),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["bulk_imports.id"],
            name=op.f("fk_bulk_import_rows_import_id_bulk_imports"),
        ),
        sa.PrimaryKeyConstraint("import_id", "row_number", name=op.f("pk_bulk_import_rows")),
    )
    op.create_index(op.f("ix_bulk_import_rows_org_id"), "bulk_import_rows", ["org_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_bulk_import_rows_org_id"), table_name="bulk_import_rows")
    op.drop_table("bulk_import_rows")
    op.drop_index(op.f("ix_bulk_imports_state"), table_name="bulk_imports")
    op.drop_index(op.f("ix_bulk_imports_org_id"), table_name="bulk_imports")
    op.drop_table("bulk_imports")
