"""stored assessments

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 05:12:36.750991
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("registry_revision", sa.String(length=64), nullable=False),
        sa.Column("enterprises", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_runs")),
        sa.UniqueConstraint("year", name=op.f("uq_assessment_runs_year")),
    )
    op.create_table(
        "assessment_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("route", sa.String(length=48), nullable=True),
        sa.Column("score_low", sa.Integer(), nullable=True),
        sa.Column("score_high", sa.Integer(), nullable=True),
        sa.Column("gap", sa.Float(), nullable=False),
        sa.Column("failed", sa.String(length=500), nullable=False),
        sa.Column("unknown", sa.String(length=500), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_assessment_results_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_results")),
        sa.UniqueConstraint("year", "programme", "enterprise_id", name=op.f("uq_assessment_results_year")),
    )
    with op.batch_alter_table("assessment_results", schema=None) as batch_op:
        batch_op.create_index("ix_assessment_results_enterprise", ["enterprise_id", "year"], unique=False)
        batch_op.create_index("ix_assessment_results_year_region", ["year", "region_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessment_results", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_results_year_region")
        batch_op.drop_index("ix_assessment_results_enterprise")

    op.drop_table("assessment_results")
    op.drop_table("assessment_runs")
