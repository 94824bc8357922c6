"""documents to facts: documents, extracted facts and organisations; figure provenance (document and offsets)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:40:48.444213
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("body_start", sa.Integer(), nullable=False),
        sa.Column("body_end", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_region_code"), ["region_code"], unique=False)

    op.create_table(
        "document_orgs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_orgs_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_document_orgs_enterprise_id_enterprises"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_orgs")),
    )
    with op.batch_alter_table("document_orgs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_orgs_document_id"), ["document_id"], unique=False)

    op.create_table(
        "extracted_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("sentence_start", sa.Integer(), nullable=False),
        sa.Column("sentence_end", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("indicator", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("approx", sa.Boolean(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("figure_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_extracted_facts_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["figure_id"],
            ["indicator_figures.id"],
            name=op.f("fk_extracted_facts_figure_id_indicator_figures"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extracted_facts")),
    )
    with op.batch_alter_table("extracted_facts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_extracted_facts_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_extracted_facts_region_code"), ["region_code"], unique=False)
        batch_op.create_index("ix_extracted_facts_status", ["document_id", "status"], unique=False)

    with op.batch_alter_table("indicator_figures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("span_start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("span_end", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_indicator_figures_document_id_documents"),
            "documents",
            ["document_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator_figures", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_indicator_figures_document_id_documents"), type_="foreignkey")
        batch_op.drop_column("span_end")
        batch_op.drop_column("span_start")
        batch_op.drop_column("document_id")

    with op.batch_alter_table("extracted_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_extracted_facts_status")
        batch_op.drop_index(batch_op.f("ix_extracted_facts_region_code"))
        batch_op.drop_index(batch_op.f("ix_extracted_facts_document_id"))

    op.drop_table("extracted_facts")
    with op.batch_alter_table("document_orgs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_orgs_document_id"))

    op.drop_table("document_orgs")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_region_code"))

    op.drop_table("documents")
