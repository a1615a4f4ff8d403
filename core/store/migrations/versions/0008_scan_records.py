"""scan runs as records of what they covered; findings remember the run that did not re-test them

Revision ID: 0008_scan_records
Revises: 0001_initial
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008_scan_records"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COVERAGE = ("scope", "ports", "probe_classes", "checks_run")


def upgrade() -> None:
    with op.batch_alter_table("scanrun", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default="scan")
        )
        for name in COVERAGE:
            default = "[]" if name in ("probe_classes", "checks_run") else "{}"
            batch_op.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default=default))
        batch_op.create_index(batch_op.f("ix_scanrun_kind"), ["kind"], unique=False)
    # Runs stored before kinds existed said what they were only in counts["source"].
    scanrun = sa.table("scanrun", sa.column("id", sa.Integer), sa.column("counts", sa.JSON), sa.column("kind"))
    connection = op.get_bind()
    for row in connection.execute(sa.select(scanrun.c.id, scanrun.c.counts)).all():
        source = (row.counts or {}).get("source")
        if source:
            kind = "import" if source == "nmap-import" else "capture"
            connection.execute(scanrun.update().where(scanrun.c.id == row.id).values(kind=kind))
    with op.batch_alter_table("scanrun", schema=None) as batch_op:
        batch_op.alter_column("kind", server_default=None)
        for name in COVERAGE:
            batch_op.alter_column(name, server_default=None)
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unchecked_scan_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_finding_unchecked_scan_id", "scanrun", ["unchecked_scan_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_constraint("fk_finding_unchecked_scan_id", type_="foreignkey")
        batch_op.drop_column("unchecked_scan_id")
    with op.batch_alter_table("scanrun", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scanrun_kind"))
        for name in reversed(COVERAGE):
            batch_op.drop_column(name)
        batch_op.drop_column("kind")
