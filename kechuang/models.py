"""Imports every feature's tables so ``Base.metadata`` is complete (for Alembic and tests)."""

from kechuang.auth.models import AuditEntry, LoginAttempt, User
from kechuang.carriers.models import Carrier, CarrierYear, Tenant
from kechuang.chains.models import (
    AtlasCluster,
    AtlasSnapshot,
    Chain,
    ChainEdge,
    ChainNode,
    NodeItem,
    NodeLink,
)
from kechuang.challenges.models import (
    Bid,
    BidFile,
    Challenge,
    ChallengeDemand,
    ChallengeEvent,
    ReviewAssignment,
)
from kechuang.db import Base
from kechuang.documents.models import Document, DocumentOrg, ExtractedFact
from kechuang.enterprises.models import AppMeta, Enterprise, EnterpriseFigures, ImportBatch, IPHolding, Title
from kechuang.indicators.models import Figure, IndicatorDef, Target
from kechuang.jobs.models import JobRun, JobState
from kechuang.ladder.models import AssessmentResult, AssessmentRun
from kechuang.matching.models import Capability, Demand, DemandEvent, DemandMatch, Message, Recommendation
from kechuang.points.models import PointsMethodology, PointsRun, PointsScore
from kechuang.projects.models import Fund, Kpi, Milestone, Override, Project, Report, StatusChange
from kechuang.regions.models import Region
from kechuang.talent.models import Apartment, Talent

__all__ = [
    "Apartment",
    "Carrier",
    "CarrierYear",
    "Talent",
    "Tenant",
    "Bid",
    "BidFile",
    "Challenge",
    "ChallengeDemand",
    "ChallengeEvent",
    "ReviewAssignment",
    "Capability",
    "Demand",
    "DemandEvent",
    "DemandMatch",
    "Message",
    "Recommendation",
    "Document",
    "DocumentOrg",
    "ExtractedFact",
    "Figure",
    "Fund",
    "IndicatorDef",
    "Kpi",
    "Milestone",
    "Override",
    "Project",
    "Report",
    "StatusChange",
    "Target",
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
    "PointsRun",
    "PointsScore",
    "JobRun",
    "JobState",
    "Region",
    "Title",
    "User",
]
