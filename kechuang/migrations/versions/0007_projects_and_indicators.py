"""key projects (milestones, funds, KPIs, reports, overrides, status history); indicator catalogue, targets, monthly figures

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:25:22.846081
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_figures")),
        sa.UniqueConstraint(
            "region_code", "indicator", "year", "month", name=op.f("uq_indicator_figures_region_code")
        ),
    )
    with op.batch_alter_table("indicator_figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_figures_region_code"), ["region_code"], unique=False)

    op.create_table(
        "indicator_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_targets")),
        sa.UniqueConstraint(
            "region_code", "indicator", "year", name=op.f("uq_indicator_targets_region_code")
        ),
    )
    with op.batch_alter_table("indicator_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_targets_region_code"), ["region_code"], unique=False)

    op.create_table(
        "indicators",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("name_en", sa.String(length=128), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("direction", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_indicators")),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("owner_enterprise_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("partners", sa.String(length=500), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("fiscal_budget", sa.BigInteger(), nullable=False),
        sa.Column("self_budget", sa.BigInteger(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["atlas_items.id"], name=op.f("fk_projects_item_id_atlas_items"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["node_id"], ["atlas_nodes.id"], name=op.f("fk_projects_node_id_atlas_nodes"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_projects_owner_enterprise_id_enterprises"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_projects_code")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_projects_node_id"), ["node_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_projects_owner_enterprise_id"), ["owner_enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_projects_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_projects_type"), ["type"], unique=False)

    op.create_table(
        "project_funds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_funds_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_funds")),
    )
    with op.batch_alter_table("project_funds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_funds_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_kpis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("actual", sa.Float(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("direction", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_kpis_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_kpis")),
    )
    with op.batch_alter_table("project_kpis", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_kpis_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("actual_on", sa.Date(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("evidence", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_milestones_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_milestones")),
    )
    with op.batch_alter_table("project_milestones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_milestones_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("light", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_overrides_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_overrides")),
    )
    with op.batch_alter_table("project_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_overrides_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_reports_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_reports")),
    )
    with op.batch_alter_table("project_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_reports_project_id"), ["project_id"], unique=False)

    op.create_table(
        "project_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("light", sa.String(length=8), nullable=False),
        sa.Column("computed_light", sa.String(length=8), nullable=False),
        sa.Column("overridden", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_status_history_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_status_history")),
    )
    with op.batch_alter_table("project_status_history", schema=None) as batch_op:
        batch_op.create_index("ix_project_status_history_project_on", ["project_id", "on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("project_status_history", schema=None) as batch_op:
        batch_op.drop_index("ix_project_status_history_project_on")

    op.drop_table("project_status_history")
    with op.batch_alter_table("project_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_reports_project_id"))

    op.drop_table("project_reports")
    with op.batch_alter_table("project_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_overrides_project_id"))

    op.drop_table("project_overrides")
    with op.batch_alter_table("project_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_milestones_project_id"))

    op.drop_table("project_milestones")
    with op.batch_alter_table("project_kpis", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_kpis_project_id"))

    op.drop_table("project_kpis")
    with op.batch_alter_table("project_funds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_funds_project_id"))

    op.drop_table("project_funds")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_type"))
        batch_op.drop_index(batch_op.f("ix_projects_region_code"))
        batch_op.drop_index(batch_op.f("ix_projects_owner_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_projects_node_id"))

    op.drop_table("projects")
    op.drop_table("indicators")
    with op.batch_alter_table("indicator_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_targets_region_code"))

    op.drop_table("indicator_targets")
    with op.batch_alter_table("indicator_figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_figures_region_code"))

    op.drop_table("indicator_figures")
