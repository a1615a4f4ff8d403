"""scheduled runs sent to agents keep their message id; a route may name its broker

Revision ID: 0006_schedule_agent_links
Revises: 0005_agents
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_schedule_agent_links"
down_revision: str | Sequence[str] | None = "0005_agents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schedulerun") as batch:
        batch.add_column(sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.create_index(batch.f("ix_schedulerun_message_id"), ["message_id"], unique=False)
    with op.batch_alter_table("agentroute") as batch:
        batch.add_column(sa.Column("broker_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agentroute") as batch:
        batch.drop_column("broker_url")
    with op.batch_alter_table("schedulerun") as batch:
        batch.drop_index(batch.f("ix_schedulerun_message_id"))
        batch.drop_column("message_id")
