"""Who is acting, and what they may see and change: the one place scoping is decided.

Every scoped table declares a ``ScopeSpec`` naming its region column and (optionally) the
column that holds the owning enterprise's id. ``scope_clause`` turns an actor into the filter
that services add to every query; ``check_write`` guards every write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, false, true

from kechuang.choices import Role
from kechuang.errors import Forbidden


@dataclass(frozen=True)
class ScopeSpec:
    region: str | None = None  # attribute holding a region code
    enterprise: str | None = None  # attribute holding an enterprise id


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: Role
    region_code: str | None = None
    enterprise_id: int | None = None
    region_codes: frozenset[str] = field(default_factory=frozenset)  # the region and everything under it

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    @property
    def sees_all(self) -> bool:
        """Admins and viewers see the whole city (viewers read only)."""
        return self.role in (Role.admin, Role.viewer)

    @property
    def can_write_any(self) -> bool:
        return self.role in (Role.admin, Role.district, Role.enterprise)


SYSTEM = Actor(user_id=None, username="system", role=Role.admin)


def _spec(model: Any) -> ScopeSpec:
    spec = getattr(model, "__scope__", None)
    if spec is None:
        raise TypeError(f"{model.__name__} has no __scope__: it cannot be read through a scoped query")
    return spec


def scope_clause(actor: Actor, model: Any) -> ColumnElement[bool]:
    """The WHERE clause limiting ``model`` rows to what ``actor`` may see."""
    if actor.sees_all:
        return true()
    spec = _spec(model)
    if actor.role is Role.district and spec.region is not None:
        return getattr(model, spec.region).in_(sorted(actor.region_codes))
    if actor.role is Role.enterprise and spec.enterprise is not None and actor.enterprise_id is not None:
        return getattr(model, spec.enterprise) == actor.enterprise_id
    return false()


def can_see(actor: Actor, obj: Any) -> bool:
    if actor.sees_all:
        return True
    spec = _spec(type(obj))
    if actor.role is Role.district and spec.region is not None:
        return getattr(obj, spec.region) in actor.region_codes
    if actor.role is Role.enterprise and spec.enterprise is not None and actor.enterprise_id is not None:
        return getattr(obj, spec.enterprise) == actor.enterprise_id
    return False


def can_write(actor: Actor, obj: Any) -> bool:
    """The bureau changes anything; operators and enterprises what they can see; readers nothing."""
    return actor.is_admin or (actor.can_write_any and can_see(actor, obj))


def check_write(actor: Actor, obj: Any) -> None:
    """Raise ``Forbidden`` unless ``actor`` may change ``obj`` (which it can already see)."""
    if not can_write(actor, obj):
        raise Forbidden("没有修改此数据的权限")
