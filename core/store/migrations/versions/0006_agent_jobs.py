"""agent jobs read from the store: policies registered by hash, the hash on each agent run

Revision ID: 0006_agent_jobs
Revises: 0005_agents
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_agent_jobs"
down_revision: str | Sequence[str] | None = "0005_agents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registeredpolicy",
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("registered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    with op.batch_alter_table("agentrun", schema=None) as batch_op:
        batch_op.add_column(sa.Column("policy_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agentrun", schema=None) as batch_op:
        batch_op.drop_column("policy_hash")
    op.drop_table("registeredpolicy")
