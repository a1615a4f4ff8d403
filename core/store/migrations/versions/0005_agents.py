"""scan agents: queued and run jobs per site, scheduled jobs routed to agents

Revision ID: 0005_agents
Revises: 0003_schedule
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005_agents"
down_revision: str | Sequence[str] | None = "0003_schedule"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agentrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("agent", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("policy_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("time_limit", sa.Float(), nullable=True),
        sa.Column("schedule", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("scan_id", sa.Integer(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("queued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["scan_id"], ["scanrun.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agentrun", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agentrun_message_id"), ["message_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_agentrun_site"), ["site"], unique=False)

    op.create_table(
        "agentroute",
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["schedule_id"], ["schedule.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("schedule_id"),
    )


def downgrade() -> None:
    op.drop_table("agentroute")
    with op.batch_alter_table("agentrun", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agentrun_site"))
        batch_op.drop_index(batch_op.f("ix_agentrun_message_id"))
    op.drop_table("agentrun")
