"""agents that fail safe: heartbeats per agent, a lease and a delivery count per agent job

Revision ID: 0007_agent_leases
Revises: 0006_agent_jobs
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_agent_leases"
down_revision: str | Sequence[str] | None = "0006_agent_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("host", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("lease_seconds", sa.Float(), nullable=False),
        sa.Column("stopped_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_site"), ["site"], unique=False)
    with op.batch_alter_table("agentrun", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("deliveries", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_index(batch_op.f("ix_agentrun_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("agentrun", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agentrun_status"))
        batch_op.drop_column("note")
        batch_op.drop_column("deliveries")
        batch_op.drop_column("lease_until")
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_site"))
    op.drop_table("agent")
