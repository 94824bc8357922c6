"""The policy: what each role may do (named permissions) and which rows it may see (scope).

Everything that decides access lives here, so services, pages, the API, the CLI and the navigation
all ask the same question the same way:

- ``require(actor, Permission.x)`` / ``allowed(actor, Permission.x)`` — may this role do x at all;
- ``scope_clause(actor, Model)`` (SQL) and ``scope_frame(actor, frame)`` (Polars) — which rows;
  the two agree on the same rows (tested);
- ``can_see(actor, obj)`` / ``check_write(actor, obj)`` — one object;
- ``visible_region(actor, code)`` / ``require_region(actor, code)`` — may it read a region;
  ``check_region_writable(actor, code)`` — may it place data there;
- ``visible_regions(actor, regions)`` — the regions an actor's pickers offer.

The grants are a table (``GRANTS``) rather than ``if role in (...)`` scattered through features; add a
permission here, name it in the feature, and the navigation, the pages and the API follow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import polars as pl

from kechuang.auth.scope import SYSTEM, Actor, ScopeSpec, can_see, check_write, scope_clause
from kechuang.choices import LabelledEnum, Role
from kechuang.errors import Forbidden

__all__ = [
    "GRANTS",
    "SYSTEM",
    "Actor",
    "Permission",
    "ScopeSpec",
    "allowed",
    "can_see",
    "check_region_writable",
    "check_write",
    "require",
    "require_region",
    "scope_clause",
    "scope_frame",
    "visible_region",
    "visible_regions",
]


class Permission(LabelledEnum):
    """A named thing a role may do. The Chinese label is what a refusal says the actor lacks."""

    see_registry = "see_registry", "查看企业库", "See the enterprise registry"
    see_own_enterprise = "see_own_enterprise", "查看本企业", "See one's own enterprise"
    create_enterprise = "create_enterprise", "新增企业", "Add an enterprise"
    edit_enterprise = "edit_enterprise", "修改企业资料", "Edit enterprise data"
    import_data = "import_data", "导入数据", "Import data"
    see_all_imports = "see_all_imports", "查看所有人的导入批次", "See everyone's import batches"
    see_atlas = "see_atlas", "查看产业科创图谱", "See the atlas"
    edit_atlas = "edit_atlas", "维护产业科创图谱", "Maintain the atlas"
    download_atlas_snapshot = "download_atlas_snapshot", "下载图谱快照", "Download atlas snapshots"
    edit_links = "edit_links", "维护企业与产业链节点的关联", "Edit enterprise–node links"
    see_projects = "see_projects", "查看项目监测", "See project monitoring"
    edit_projects = "edit_projects", "维护项目与进度", "Edit projects and progress"
    override_light = "override_light", "人工调整项目灯色", "Override a project light"
    see_targets = "see_targets", "查看目标考核", "See targets and progress"
    edit_targets = "edit_targets", "维护目标与完成值", "Edit targets and figures"
    set_targets = "set_targets", "下达年度目标", "Set annual targets"
    see_documents = "see_documents", "查看资讯抽取", "See documents and facts"
    edit_documents = "edit_documents", "上传资讯并审核事实", "Upload documents and review facts"
    see_ladder = "see_ladder", "查看梯度培育", "See the cultivation ladder"
    see_points = "see_points", "查看创新积分", "See innovation points"
    upload_methodology = "upload_methodology", "修改创新积分方法", "Upload a points methodology"
    manage_users = "manage_users", "管理用户", "Manage users"
    see_audit = "see_audit", "查看审计日志", "See the audit log"
    run_jobs = "run_jobs", "运行后台任务", "Run background jobs"
    see_demands = "see_demands", "查看技术需求", "See technology demands"
    post_demand = "post_demand", "发布技术需求", "Post a technology demand"
    handle_demands = "handle_demands", "受理与对接技术需求", "Accept and match technology demands"
    see_capabilities = "see_capabilities", "查看能力档案", "See capability profiles"
    edit_capability = "edit_capability", "维护能力档案", "Edit a capability profile"
    import_capabilities = "import_capabilities", "导入导出能力档案", "Import and export capability profiles"
    see_challenges = "see_challenges", "查看揭榜挂帅榜单", "See challenge lists"
    manage_challenges = "manage_challenges", "发布与管理揭榜挂帅", "Publish and run challenge lists"
    bid_challenge = "bid_challenge", "揭榜申报", "Bid for a challenge"
    review_bids = "review_bids", "评审揭榜申报", "Review bids"
    see_carriers = "see_carriers", "查看科创载体", "See carriers"
    edit_carriers = "edit_carriers", "维护科创载体与在孵企业", "Maintain carriers and tenants"
    see_talent = "see_talent", "查看人才统计", "See talent counts"
    see_talent_names = "see_talent_names", "查看人才名单", "See the names of talent"
    edit_talent = "edit_talent", "维护人才与人才公寓", "Maintain talent and apartments"


_ALL = frozenset(Role)
_BUREAU = frozenset({Role.admin})
_OPERATORS = frozenset({Role.admin, Role.district})
_READERS = frozenset({Role.admin, Role.district, Role.viewer})
_WRITERS = frozenset({Role.admin, Role.district, Role.enterprise})
_CITY_WIDE = frozenset({Role.admin, Role.viewer})

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.see_registry: _READERS,
    Permission.see_own_enterprise: frozenset({Role.enterprise}),
    Permission.create_enterprise: _OPERATORS,
    Permission.edit_enterprise: _WRITERS,
    Permission.import_data: _WRITERS,
    Permission.see_atlas: _READERS,
    Permission.edit_atlas: _BUREAU,
    Permission.download_atlas_snapshot: _CITY_WIDE,
    Permission.edit_links: _OPERATORS,
    Permission.see_projects: _ALL - {Role.expert},
    Permission.edit_projects: _OPERATORS,
    Permission.override_light: _OPERATORS,
    Permission.see_targets: _READERS,
    Permission.edit_targets: _OPERATORS,
    Permission.set_targets: _BUREAU,
    Permission.see_documents: _READERS,
    Permission.edit_documents: _OPERATORS,
    Permission.see_ladder: _READERS,
    Permission.see_points: _ALL - {Role.expert},
    Permission.upload_methodology: _BUREAU,
    Permission.manage_users: _BUREAU,
    Permission.see_audit: _BUREAU,
    Permission.see_all_imports: _BUREAU,
    Permission.run_jobs: _BUREAU,
    Permission.see_demands: _ALL,
    Permission.post_demand: _WRITERS,
    Permission.handle_demands: _OPERATORS,
    Permission.see_capabilities: _ALL,
    Permission.edit_capability: _ALL - {Role.viewer},
    Permission.import_capabilities: _BUREAU,
    Permission.see_challenges: _ALL,
    Permission.manage_challenges: _BUREAU,
    Permission.bid_challenge: frozenset({Role.admin, Role.enterprise, Role.expert}),
    Permission.review_bids: frozenset({Role.admin, Role.expert}),  # scores only where assigned
    Permission.see_carriers: _READERS,
    Permission.edit_carriers: _OPERATORS,
    Permission.see_talent: _READERS,
    Permission.see_talent_names: _OPERATORS,  # a district operator: its own area's only (scope)
    Permission.edit_talent: _OPERATORS,
}


def allowed(actor: Actor, permission: Permission) -> bool:
    return actor.role in GRANTS[permission]


def require(actor: Actor, permission: Permission, message: str | None = None) -> None:
    """Raise ``Forbidden`` unless ``actor``'s role holds ``permission``; the refusal says ``message``
    (the feature's own words) or names the permission."""
    if not allowed(actor, permission):
        raise Forbidden(message or f"当前角色（{actor.role.label()}）没有“{permission.label()}”的权限")


# -- regions -----------------------------------------------------------------------------------------


def visible_region(actor: Actor, region_code: str) -> bool:
    """City-wide roles see every region; a district operator its own region and everything under it."""
    return actor.sees_all or region_code in actor.region_codes


def require_region(actor: Actor, region_code: str | None) -> None:
    """Raise ``Forbidden`` if a region filter reaches outside the actor's area (no filter is fine)."""
    if region_code and not visible_region(actor, region_code):
        raise Forbidden("只能查看本辖区的数据")


def writable_region(actor: Actor, region_code: str | None) -> bool:
    """The bureau writes everywhere; a district operator in its own region and below; nobody else."""
    return actor.is_admin or (actor.role is Role.district and region_code in actor.region_codes)


def check_region_writable(actor: Actor, region_code: str | None) -> None:
    """Raise ``Forbidden`` unless ``actor`` may place data in ``region_code``."""
    if not writable_region(actor, region_code):
        raise Forbidden(f"没有在地区 {region_code} 写入数据的权限")


R = TypeVar("R")


def visible_regions(actor: Actor, regions: Iterable[R], *, code: str = "code") -> list[R]:
    """The regions (objects with a ``code`` attribute) the actor may see, in their order."""
    return [r for r in regions if visible_region(actor, getattr(r, code))]


# -- frames ------------------------------------------------------------------------------------------


def region_codes_seen(actor: Actor) -> frozenset[str] | None:
    """The region codes whose data the actor sees; ``None``: every region."""
    return None if actor.sees_all else frozenset(actor.region_codes)


def scope_frame(
    actor: Actor,
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    region: str | None = "region_code",
    enterprise: str | None = None,
) -> Any:
    """The rows of ``frame`` the actor may see: the Polars twin of ``scope_clause``.

    ``region`` / ``enterprise`` name the frame's columns that play the parts of the model's
    ``ScopeSpec``; a column named ``None`` means the frame has no such column (as a model without it,
    that role then sees nothing)."""
    if actor.sees_all:
        return frame
    if actor.role is Role.district and region is not None:
        return frame.filter(pl.col(region).is_in(sorted(actor.region_codes)))
    if actor.role is Role.enterprise and enterprise is not None and actor.enterprise_id is not None:
        return frame.filter(pl.col(enterprise) == actor.enterprise_id)
    return frame.filter(pl.lit(False))


def foreign_enterprise_rows(actor: Actor, *, enterprise: str = "enterprise_id") -> pl.Expr | None:
    """Rows of a registry import an enterprise user may not write (any enterprise but its own, or a new
    one); ``None`` when the actor's limit is its regions only (checked through ``scope_frame``)."""
    if actor.role is not Role.enterprise:
        return None
    return pl.col(enterprise).is_null() | (pl.col(enterprise) != actor.enterprise_id)


def region_move_rows(
    actor: Actor, *, region: str = "region_code", current: str = "ent_region"
) -> pl.Expr | None:
    """Rows that would register an enterprise in a region the actor may not write: outside a district's
    regions; for an enterprise user, any change of its region. ``None`` for the bureau."""
    if actor.is_admin:
        return None
    if actor.role is Role.enterprise:
        return pl.col(region).is_not_null() & (pl.col(region) != pl.col(current))
    return pl.col(region).is_not_null() & ~pl.col(region).is_in(sorted(actor.region_codes))


def frame_spec(model: Any) -> dict[str, str | None]:
    """``scope_frame`` keyword arguments for a frame read from ``model`` with its column names."""
    spec: ScopeSpec = model.__scope__
    return {"region": spec.region, "enterprise": spec.enterprise}


def roles_with(permission: Permission) -> Sequence[Role]:
    return [r for r in Role if r in GRANTS[permission]]
