"""industry-chain atlas: clusters, chains, nodes, edges, key items, links, snapshots

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:11:31.287120
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "atlas_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=128), nullable=False),
        sa.Column("aliases", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_atlas_clusters")),
        sa.UniqueConstraint("code", name=op.f("uq_atlas_clusters_code")),
    )
    op.create_table(
        "atlas_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("taken_by", sa.String(length=64), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_atlas_snapshots")),
        sa.UniqueConstraint("year", name=op.f("uq_atlas_snapshots_year")),
    )
    op.create_table(
        "atlas_chains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=128), nullable=False),
        sa.Column("aliases", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["atlas_clusters.id"],
            name=op.f("fk_atlas_chains_cluster_id_atlas_clusters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_atlas_chains")),
        sa.UniqueConstraint("code", name=op.f("uq_atlas_chains_code")),
    )
    with op.batch_alter_table("atlas_chains", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_atlas_chains_cluster_id"), ["cluster_id"], unique=False)

    op.create_table(
        "atlas_nodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=128), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=128), nullable=False),
        sa.Column("industry_codes", sa.String(length=200), nullable=False),
        sa.Column("keywords", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chain_id"],
            ["atlas_chains.id"],
            name=op.f("fk_atlas_nodes_chain_id_atlas_chains"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["atlas_nodes.id"],
            name=op.f("fk_atlas_nodes_parent_id_atlas_nodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_atlas_nodes")),
        sa.UniqueConstraint("code", name=op.f("uq_atlas_nodes_code")),
    )
    with op.batch_alter_table("atlas_nodes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_atlas_nodes_chain_id"), ["chain_id"], unique=False)

    op.create_table(
        "atlas_edges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("src_id", sa.Integer(), nullable=False),
        sa.Column("dst_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chain_id"],
            ["atlas_chains.id"],
            name=op.f("fk_atlas_edges_chain_id_atlas_chains"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dst_id"], ["atlas_nodes.id"], name=op.f("fk_atlas_edges_dst_id_atlas_nodes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["src_id"], ["atlas_nodes.id"], name=op.f("fk_atlas_edges_src_id_atlas_nodes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_atlas_edges")),
        sa.UniqueConstraint("src_id", "dst_id", name=op.f("uq_atlas_edges_src_id")),
    )
    with op.batch_alter_table("atlas_edges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_atlas_edges_chain_id"), ["chain_id"], unique=False)

    op.create_table(
        "atlas_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("chokepoint", sa.Boolean(), nullable=False),
        sa.Column("supply", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["atlas_nodes.id"],
            name=op.f("fk_atlas_items_node_id_atlas_nodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_atlas_items")),
        sa.UniqueConstraint("node_id", "kind", "name", name=op.f("uq_atlas_items_node_id")),
    )
    with op.batch_alter_table("atlas_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_atlas_items_node_id"), ["node_id"], unique=False)

    op.create_table(
        "atlas_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("main_product", sa.String(length=200), nullable=False),
        sa.Column("revenue_share", sa.Float(), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_atlas_links_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["atlas_items.id"],
            name=op.f("fk_atlas_links_item_id_atlas_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["atlas_nodes.id"],
            name=op.f("fk_atlas_links_node_id_atlas_nodes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_atlas_links")),
    )
    with op.batch_alter_table("atlas_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_atlas_links_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index("ix_atlas_links_kind_node", ["kind", "node_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_atlas_links_node_id"), ["node_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_atlas_links_region_code"), ["region_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("atlas_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_atlas_links_region_code"))
        batch_op.drop_index(batch_op.f("ix_atlas_links_node_id"))
        batch_op.drop_index("ix_atlas_links_kind_node")
        batch_op.drop_index(batch_op.f("ix_atlas_links_enterprise_id"))

    op.drop_table("atlas_links")
    with op.batch_alter_table("atlas_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_atlas_items_node_id"))

    op.drop_table("atlas_items")
    with op.batch_alter_table("atlas_edges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_atlas_edges_chain_id"))

    op.drop_table("atlas_edges")
    with op.batch_alter_table("atlas_nodes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_atlas_nodes_chain_id"))

    op.drop_table("atlas_nodes")
    with op.batch_alter_table("atlas_chains", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_atlas_chains_cluster_id"))

    op.drop_table("atlas_chains")
    op.drop_table("atlas_snapshots")
    op.drop_table("atlas_clusters")
