"""Imports every feature's tables so ``Base.metadata`` is complete (for Alembic and tests)."""

from kechuang.auth.models import AuditEntry, LoginAttempt, User
from kechuang.db import Base
from kechuang.enterprises.models import Enterprise
from kechuang.regions.models import Region

__all__ = ["AuditEntry", "Base", "Enterprise", "LoginAttempt", "Region", "User"]
