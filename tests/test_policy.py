"""The policy module: named permissions, and the SQL and Polars scope filters agreeing row for row."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import ForeignKey, select

from kechuang.auth import policy
from kechuang.auth.policy import GRANTS, Actor, Permission, allowed, require, scope_clause, scope_frame
from kechuang.choices import Role
from kechuang.errors import Forbidden
from kechuang.models import Base

HANJIANG, GUANGLING, ZONE = "321003", "321002", "32100302"

ACTORS = {
    "admin": Actor(1, "a", Role.admin),
    "viewer": Actor(2, "v", Role.viewer),
    "district": Actor(3, "d", Role.district, HANJIANG, region_codes=frozenset({HANJIANG, ZONE})),
    "enterprise": Actor(4, "e", Role.enterprise, HANJIANG, enterprise_id=1),
    "expert": Actor(5, "x", Role.expert),
}

SCOPE_COLUMNS = {"region_code", "enterprise_id", "owner_enterprise_id"}
SCOPE_TARGETS = {"regions", "enterprises"}


def _scope_columns(model: type) -> list[str]:
    table = model.__table__  # type: ignore[attr-defined]
    out = []
    for col in table.columns:
        targets = {fk.column.table.name for fk in col.foreign_keys if isinstance(fk, ForeignKey)}
        if col.name in SCOPE_COLUMNS or (targets & SCOPE_TARGETS and table.name not in SCOPE_TARGETS):
            out.append(col.name)
    return out


MODELS = sorted({m.class_ for m in Base.registry.mappers}, key=lambda m: m.__name__)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_with_a_region_or_enterprise_column_declares_its_scope(model: type) -> None:
    columns = _scope_columns(model)
    if not columns:
        return
    spec = getattr(model, "__scope__", None)
    assert spec is not None, f"{model.__name__} has {columns} but no __scope__ (auth.policy cannot filter it)"
    for attr in (spec.region, spec.enterprise):
        assert attr is None or hasattr(model, attr), f"{model.__name__}.__scope__ names a missing {attr}"


def test_every_permission_is_granted_to_someone_and_admin_holds_every_bureau_power() -> None:
    assert set(GRANTS) == set(Permission)
    for permission, roles in GRANTS.items():
        assert roles, permission
    assert all(allowed(ACTORS["admin"], p) for p in Permission if p is not Permission.see_own_enterprise)


@pytest.mark.parametrize(
    ("role", "permission", "ok"),
    [
        ("district", Permission.edit_links, True),
        ("enterprise", Permission.edit_links, False),
        ("viewer", Permission.override_light, False),
        ("district", Permission.upload_methodology, False),
        ("expert", Permission.see_projects, False),
        ("enterprise", Permission.see_projects, True),
        ("viewer", Permission.see_registry, True),
        ("enterprise", Permission.see_registry, False),
        ("district", Permission.download_atlas_snapshot, False),
        ("district", Permission.see_all_imports, False),
        ("admin", Permission.see_all_imports, True),
    ],
)
def test_grants_table(role: str, permission: Permission, ok: bool) -> None:
    actor = ACTORS[role]
    assert allowed(actor, permission) is ok
    if ok:
        require(actor, permission)
    else:
        with pytest.raises(Forbidden, match=permission.label()):
            require(actor, permission)


def test_region_visibility_and_writability() -> None:
    d = ACTORS["district"]
    assert policy.visible_region(d, ZONE) and not policy.visible_region(d, GUANGLING)
    policy.require_region(d, None)
    with pytest.raises(Forbidden):
        policy.require_region(d, GUANGLING)
    policy.check_region_writable(d, HANJIANG)
    for actor, code in [(d, GUANGLING), (ACTORS["viewer"], HANJIANG), (ACTORS["enterprise"], HANJIANG)]:
        with pytest.raises(Forbidden):
            policy.check_region_writable(actor, code)
    policy.check_region_writable(ACTORS["admin"], GUANGLING)


@pytest.mark.parametrize("who", sorted(ACTORS))
def test_scope_frame_agrees_with_scope_clause_on_the_same_rows(db, made, who: str) -> None:  # type: ignore[no-untyped-def]
    from kechuang.enterprises.models import Enterprise

    for name, region in [("甲", HANJIANG), ("乙", ZONE), ("丙", GUANGLING), ("丁", HANJIANG)]:
        made.enterprise(f"{name}测试科技有限公司", region)
    first = db.scalar(select(Enterprise.id).order_by(Enterprise.id))
    actor = ACTORS[who]
    if actor.enterprise_id is not None:
        actor = Actor(4, "e", Role.enterprise, HANJIANG, enterprise_id=first)
    by_sql = set(db.scalars(select(Enterprise.id).where(scope_clause(actor, Enterprise))))
    rows = db.execute(select(Enterprise.id, Enterprise.region_code)).all()
    frame = pl.DataFrame({"id": [r[0] for r in rows], "region_code": [r[1] for r in rows]})
    spec = policy.frame_spec(Enterprise)
    by_frame = set(scope_frame(actor, frame, **spec)["id"].to_list())
    lazy = set(scope_frame(actor, frame.lazy(), **spec).collect()["id"].to_list())
    assert by_sql == by_frame == lazy
    expected = {"admin": 4, "viewer": 4, "district": 3, "enterprise": 1, "expert": 0}[who]
    assert len(by_sql) == expected


# Route modules that still hold a read or a role test, each waiting on a branch that rewrites it
# (shrink this as they land; a stale entry fails).
HANDLER_ALLOWLIST: dict[str, int] = {}
HANDLER_SMELLS = re.compile(
    r"ctx\.session\.(?:get|execute|scalars?|query)\(|\.role\s*(?:==|!=|is|in|not in)\b|\bsees_all\b"
    r"|in ctx\.actor\.region_codes|ctx\.actor\.is_admin"
)


def test_route_handlers_hold_no_queries_or_role_tests() -> None:
    """Pages and API routes call services and ask the policy; templates ask ``can(...)``."""
    root = Path(__file__).parents[1] / "kechuang"
    found = {}
    for p in sorted([*root.glob("*/pages.py"), *root.glob("*/api.py"), *root.glob("web/*.py")]):
        n = len(HANDLER_SMELLS.findall(p.read_text(encoding="utf-8")))
        if n:
            found[str(p.relative_to(root))] = n
    assert found == HANDLER_ALLOWLIST
    templates = [
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if re.search(r"actor\.role\.value\s*(?:==|in)", p.read_text(encoding="utf-8"))
    ]
    assert templates == []


def test_only_the_workbook_module_writes_xlsx() -> None:
    """Every workbook is written by kechuang/workbook.py (declared books, registers, export tables), so
    every one keeps text as text and carries the same layout."""
    root = Path(__file__).resolve().parents[1] / "kechuang"
    writers = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if re.search(r"^\s*(?:import xlsxwriter|from xlsxwriter)", p.read_text(encoding="utf-8"), re.M)
    )
    assert writers == ["workbook.py"]


def test_no_role_or_region_predicate_outside_the_policy_module() -> None:
    """Features ask ``kechuang.auth.policy``; they never test an actor's role, admin flag or regions."""
    root = Path(__file__).parents[1] / "kechuang"
    smell = re.compile(r"actor\.(?:role|is_admin|region_codes)\b")
    found = [
        f"{p.relative_to(root)}:{n}"
        for p in sorted(root.rglob("*.py"))
        if p.parent.name != "auth"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if smell.search(line)
    ]
    assert found == []
