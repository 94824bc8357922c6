"""stored points runs: the 50强 page reads them; the points_refresh job recomputes them

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "points_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("methodology_id", sa.String(length=64), nullable=False),
        sa.Column("methodology_version", sa.String(length=32), nullable=False),
        sa.Column("registry_revision", sa.String(length=64), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("spread", sa.Float(), nullable=False),
        sa.Column("enterprises", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_runs")),
        sa.UniqueConstraint("year", name=op.f("uq_points_runs_year")),
    )
    op.create_table(
        "points_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("stage_reason", sa.String(length=200), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("tech_innovation", sa.Float(), nullable=False),
        sa.Column("growth_operation", sa.Float(), nullable=False),
        sa.Column("auxiliary", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("stage_rank", sa.Integer(), nullable=False),
        sa.Column("rank_p05", sa.Integer(), nullable=False),
        sa.Column("rank_p95", sa.Integer(), nullable=False),
        sa.Column("rank_stable", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_points_scores_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_scores")),
        sa.UniqueConstraint("year", "enterprise_id", name=op.f("uq_points_scores_year")),
    )
    with op.batch_alter_table("points_scores", schema=None) as batch_op:
        batch_op.create_index("ix_points_scores_year_rank", ["year", "rank"], unique=False)
        batch_op.create_index(
            "ix_points_scores_year_stage_rank", ["year", "stage", "stage_rank"], unique=False
        )
        batch_op.create_index("ix_points_scores_year_region", ["year", "region_code", "rank"], unique=False)


def downgrade() -> None:
    op.drop_table("points_scores")
    op.drop_table("points_runs")
