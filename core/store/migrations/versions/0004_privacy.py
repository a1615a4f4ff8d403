"""privacy: data flows seen in device traffic, dataset audits

Revision ID: 0004_privacy
Revises: 0001_initial
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004_privacy"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataflow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("destination", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("server_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("transport", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("protocol", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False),
        sa.Column("observed_via", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("byte_count", sa.Integer(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("samples", sa.JSON(), nullable=False),
        sa.Column("hashes", sa.JSON(), nullable=False),
        sa.Column("credentials", sa.JSON(), nullable=False),
        sa.Column("first_seen", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_seen", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_scan_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"]),
        sa.ForeignKeyConstraint(["last_scan_id"], ["scanrun.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("flow_key"),
    )
    with op.batch_alter_table("dataflow", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dataflow_asset_id"), ["asset_id"], unique=False)

    op.create_table(
        "datasetaudit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("personal_data", sa.Boolean(), nullable=False),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("audited_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("datasetaudit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_datasetaudit_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("datasetaudit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_datasetaudit_sha256"))
    op.drop_table("datasetaudit")
    with op.batch_alter_table("dataflow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dataflow_asset_id"))
    op.drop_table("dataflow")
