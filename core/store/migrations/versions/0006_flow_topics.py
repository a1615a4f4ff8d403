"""data flows keep their MQTT topics (masked), so the DPO sees which topic carries which personal data

Revision ID: 0006_flow_topics
Revises: 0004_privacy
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_flow_topics"
down_revision: str | Sequence[str] | None = "0004_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dataflow", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topics", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table("dataflow", schema=None) as batch_op:
        batch_op.drop_column("topics")
