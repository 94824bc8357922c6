"""project_status_history: at most one row per project and day (the day's last state)

Two workers, or an override and the daily job, recording the same project on the same day used to
write two rows. Duplicates already stored keep their latest row.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 04:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        'DELETE FROM project_status_history WHERE id NOT IN (SELECT max(id) FROM project_status_history GROUP BY project_id, "on")'
    )
    with op.batch_alter_table("project_status_history") as batch_op:
        batch_op.drop_index("ix_project_status_history_project_on")
        batch_op.create_index("ix_project_status_history_project_on", ["project_id", "on"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("project_status_history") as batch_op:
        batch_op.drop_index("ix_project_status_history_project_on")
        batch_op.create_index("ix_project_status_history_project_on", ["project_id", "on"], unique=False)
