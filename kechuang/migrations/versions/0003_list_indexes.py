"""list speed: sort key and composite indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:21:45.409106
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_revenue", sa.BigInteger(), server_default="-1", nullable=False))
        batch_op.drop_index(batch_op.f("ix_enterprises_latest_revenue"))
        batch_op.drop_index(batch_op.f("ix_enterprises_name"))
        batch_op.drop_index(batch_op.f("ix_enterprises_region_code"))
        batch_op.create_index("ix_enterprises_region_name", ["region_code", "name", "uscc"], unique=False)
        batch_op.create_index("ix_enterprises_region_revenue", ["region_code", "sort_revenue"], unique=False)
        batch_op.create_index("ix_enterprises_search", ["name", "uscc", "aliases"], unique=False)
        batch_op.create_index("ix_enterprises_sort_revenue", ["sort_revenue"], unique=False)
    op.execute("UPDATE enterprises SET sort_revenue = COALESCE(latest_revenue, -1)")


def downgrade() -> None:

    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index("ix_enterprises_sort_revenue")
        batch_op.drop_index("ix_enterprises_search")
        batch_op.drop_index("ix_enterprises_region_revenue")
        batch_op.drop_index("ix_enterprises_region_name")
        batch_op.create_index(batch_op.f("ix_enterprises_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprises_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprises_latest_revenue"), ["latest_revenue"], unique=False)
        batch_op.drop_column("sort_revenue")
