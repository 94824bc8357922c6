"""Imports every feature's tables so ``Base.metadata`` is complete (for Alembic and tests)."""

from kechuang.auth.models import AuditEntry, LoginAttempt, User
from kechuang.chains.models import (
    AtlasCluster,
    AtlasSnapshot,
    Chain,
    ChainEdge,
    ChainNode,
    NodeItem,
    NodeLink,
)
from kechuang.db import Base
from kechuang.enterprises.models import AppMeta, Enterprise, EnterpriseFigures, ImportBatch, IPHolding, Title
from kechuang.ladder.models import AssessmentResult, AssessmentRun
from kechuang.points.models import PointsMethodology
from kechuang.regions.models import Region

__all__ = [
    "AtlasCluster",
    "AtlasSnapshot",
    "Chain",
    "ChainEdge",
    "ChainNode",
    "NodeItem",
    "NodeLink",
    "AppMeta",
    "AssessmentResult",
    "AssessmentRun",
    "AuditEntry",
    "Base",
    "Enterprise",
    "EnterpriseFigures",
    "IPHolding",
    "ImportBatch",
    "LoginAttempt",
    "PointsMethodology",
    "Region",
    "Title",
    "User",
]
