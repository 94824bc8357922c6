"""points methodologies

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 05:23:29.773633
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "points_methodologies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("methodology_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_methodologies")),
        sa.UniqueConstraint("methodology_id", "version", name=op.f("uq_points_methodologies_methodology_id")),
    )


def downgrade() -> None:
    op.drop_table("points_methodologies")
