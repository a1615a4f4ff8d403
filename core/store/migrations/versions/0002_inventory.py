"""inventory: asset online state and identity evidence, asset events

Revision ID: 0002_inventory
Revises: 0001_initial
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002_inventory"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.add_column(sa.Column("online", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("identity_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("identity_evidence", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.alter_column("online", server_default=None)
        batch_op.alter_column("identity_evidence", server_default=None)

    op.create_table(
        "assetevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"]),
        sa.ForeignKeyConstraint(["scan_id"], ["scanrun.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assetevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assetevent_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assetevent_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_assetevent_scan_id"), ["scan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assetevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assetevent_scan_id"))
        batch_op.drop_index(batch_op.f("ix_assetevent_at"))
        batch_op.drop_index(batch_op.f("ix_assetevent_asset_id"))
    op.drop_table("assetevent")
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.drop_column("identity_evidence")
        batch_op.drop_column("identity_confidence")
        batch_op.drop_column("online")
