"""scan runs name the process running them, so a scan whose process died can be marked interrupted

Revision ID: 0007_scan_runner
Revises: 0006_agent_jobs
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_scan_runner"
down_revision: str | Sequence[str] | None = "0006_agent_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scanrun", schema=None) as batch_op:
        batch_op.add_column(sa.Column("runner", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scanrun", schema=None) as batch_op:
        batch_op.drop_column("runner")
