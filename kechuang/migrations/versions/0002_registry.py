"""enterprise registry: details, figures, titles, ip, import batches

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:24:02.550872
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_meta")),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("dataset", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batches_user_id"), ["user_id"], unique=False)

    op.create_table(
        "enterprise_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("tech_staff", sa.Integer(), nullable=True),
        sa.Column("rd_staff", sa.Integer(), nullable=True),
        sa.Column("sales_revenue", sa.BigInteger(), nullable=True),
        sa.Column("operating_revenue", sa.BigInteger(), nullable=True),
        sa.Column("main_business_revenue", sa.BigInteger(), nullable=True),
        sa.Column("rd_expense", sa.BigInteger(), nullable=True),
        sa.Column("rd_expense_domestic", sa.BigInteger(), nullable=True),
        sa.Column("high_tech_revenue", sa.BigInteger(), nullable=True),
        sa.Column("total_cost", sa.BigInteger(), nullable=True),
        sa.Column("total_income", sa.BigInteger(), nullable=True),
        sa.Column("total_assets", sa.BigInteger(), nullable=True),
        sa.Column("total_liabilities", sa.BigInteger(), nullable=True),
        sa.Column("profit", sa.BigInteger(), nullable=True),
        sa.Column("tax_paid", sa.BigInteger(), nullable=True),
        sa.Column("exports", sa.BigInteger(), nullable=True),
        sa.Column("tech_contract_turnover", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("field_sources", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_figures_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_figures")),
        sa.UniqueConstraint("enterprise_id", "year", name=op.f("uq_enterprise_figures_enterprise_id")),
    )
    with op.batch_alter_table("enterprise_figures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enterprise_figures_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enterprise_figures_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_figures_year"), ["year"], unique=False)

    op.create_table(
        "enterprise_ip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ip_class", sa.String(length=2), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_ip_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_ip")),
        sa.UniqueConstraint("enterprise_id", "year", "kind", name=op.f("uq_enterprise_ip_enterprise_id")),
    )
    with op.batch_alter_table("enterprise_ip", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprise_ip_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_ip_region_code"), ["region_code"], unique=False)

    op.create_table(
        "enterprise_titles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("year_granted", sa.Integer(), nullable=False),
        sa.Column("certificate_no", sa.String(length=64), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("document", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_titles_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_titles")),
        sa.UniqueConstraint(
            "enterprise_id", "type", "year_granted", name=op.f("uq_enterprise_titles_enterprise_id")
        ),
    )
    with op.batch_alter_table("enterprise_titles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enterprise_titles_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enterprise_titles_region_code"), ["region_code"], unique=False)
        batch_op.create_index("ix_enterprise_titles_type_valid", ["type", "valid_until"], unique=False)

    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("aliases", server_default=sa.text("''"), type_=sa.String(length=500), nullable=False)
        )
        batch_op.add_column(
            sa.Column("address", server_default=sa.text("''"), type_=sa.String(length=255), nullable=False)
        )
        batch_op.add_column(sa.Column("founded_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "industry_code", server_default=sa.text("''"), type_=sa.String(length=5), nullable=False
            )
        )
        batch_op.add_column(sa.Column("size_class", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("listed", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("latest_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("latest_revenue", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("source", server_default=sa.text("''"), type_=sa.String(length=255), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_enterprises_industry_code"), ["industry_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprises_latest_revenue"), ["latest_revenue"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprises_latest_revenue"))
        batch_op.drop_index(batch_op.f("ix_enterprises_industry_code"))
        batch_op.drop_column("source")
        batch_op.drop_column("latest_revenue")
        batch_op.drop_column("latest_year")
        batch_op.drop_column("listed")
        batch_op.drop_column("size_class")
        batch_op.drop_column("industry_code")
        batch_op.drop_column("founded_on")
        batch_op.drop_column("address")
        batch_op.drop_column("aliases")

    with op.batch_alter_table("enterprise_titles", schema=None) as batch_op:
        batch_op.drop_index("ix_enterprise_titles_type_valid")
        batch_op.drop_index(batch_op.f("ix_enterprise_titles_region_code"))
        batch_op.drop_index(batch_op.f("ix_enterprise_titles_enterprise_id"))

    op.drop_table("enterprise_titles")
    with op.batch_alter_table("enterprise_ip", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprise_ip_region_code"))
        batch_op.drop_index(batch_op.f("ix_enterprise_ip_enterprise_id"))

    op.drop_table("enterprise_ip")
    with op.batch_alter_table("enterprise_figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprise_figures_year"))
        batch_op.drop_index(batch_op.f("ix_enterprise_figures_region_code"))
        batch_op.drop_index(batch_op.f("ix_enterprise_figures_enterprise_id"))

    op.drop_table("enterprise_figures")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_user_id"))

    op.drop_table("import_batches")
    op.drop_table("app_meta")
