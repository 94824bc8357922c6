"""The three maps (产业地图, 科创载体地图, 人才公寓地图) and the targets page's district shading, computed
from the registry on request (never a stored picture, so never stale), aggregated in SQL so the browser
gets at most a few thousand points whatever the registry's size.

A view is one dict: ``areas`` (one per map area the actor may see: name, region code, value, display),
``measure`` (what shades the areas), ``series`` (points by category: name, colour and points with
lng, lat, value, size, approximate flag and an optional panel URL), ``tables`` (the same figures as
rows: what the table view shows and the xlsx export writes) and ``note`` (the figures' source and date).

Point size: ``size = 6 + 22 · √(value / max value)`` (area grows with the value; 6 px at the least).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from kechuang.auth.policy import Permission, region_codes_seen, require, visible_region
from kechuang.auth.scope import Actor, scope_clause
from kechuang.carriers import geo
from kechuang.carriers.models import Carrier, Tenant
from kechuang.chains.models import Chain, ChainNode, NodeLink
from kechuang.choices import CarrierKind, CarrierLevel, LinkRole, TalentProgramme, TitleType
from kechuang.enterprises.models import Enterprise, EnterpriseFigures, Title
from kechuang.regions.models import Region
from kechuang.regions.service import district_of
from kechuang.talent.models import Apartment, Talent
from kechuang.workbook import Table

MAX_POINTS = 3000  # more than this and points are grouped by district and category
ROLE_COLOURS = {"leader": "#b42318", "key_supporting": "#dc6803", "member": "#1570ef"}
ROLE_RANK = {"leader": 0, "key_supporting": 1, "member": 2}
KIND_COLOURS = dict(
    zip(
        CarrierKind.values(),
        (
            "#b42318",
            "#dc6803",
            "#ca8504",
            "#039855",
            "#0e9384",
            "#1570ef",
            "#444ce7",
            "#7839ee",
            "#c11574",
            "#475467",
        ),
        strict=True,
    )
)
LEVEL_SIZES = {"national": 22, "provincial": 16, "municipal": 11}
APPROXIMATE = "近似位置（区县中心）"
INDUSTRY_MEASURES = {
    "enterprises": ("链上企业数", "家"),
    "revenue": ("链上企业营业收入", "亿元"),
    "hnte": ("链上高新技术企业数", "家"),
    "rd_intensity": ("链上企业研发强度", "%"),
    "coverage": ("节点覆盖率", "%"),
}


def size(value: float, top: float) -> float:
    """6 px at the least, 28 px for the largest value (area ∝ value)."""
    return round(6 + 22 * math.sqrt(max(value, 0) / top), 1) if top > 0 else 6.0


# -- areas -------------------------------------------------------------------------------------------


def map_areas(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """The map areas (code, name) the actor may see: every district and county of the city for the
    city-wide roles, its own for a district operator (a park's operator: the district it lies in)."""
    districts = set(district_of(session).values())
    known = geo.areas()
    rows = session.execute(
        select(Region.code, Region.name).where(Region.code.in_(districts)).order_by(Region.sort_order)
    ).all()
    seen = region_codes_seen(actor)
    own = {district_of(session).get(code) for code in seen} if seen is not None else set()
    return [
        (code, name) for code, name in rows if name in known and (visible_region(actor, code) or code in own)
    ]


def chain_nodes(session: Session, chain_code: str) -> list[tuple[str, str]]:
    """A chain's nodes (code, name) in their order, for the node picker."""
    chain = session.scalar(select(Chain).where(Chain.code == chain_code)) if chain_code else None
    if chain is None:
        return []
    rows = session.execute(
        select(ChainNode.code, ChainNode.name)
        .where(ChainNode.chain_id == chain.id)
        .order_by(ChainNode.position)
    ).all()
    return [(code, name) for code, name in rows]


def _areas(
    areas: Sequence[tuple[str, str]], values: Mapping[str, float | None], display: Any
) -> list[dict[str, Any]]:
    return [
        {"code": code, "name": name, "value": values.get(code), "display": display(values.get(code))}
        for code, name in areas
    ]


def _district_case(session: Session, column: Any) -> Any:
    """A SQL expression mapping a region code column to its district's code."""
    mapping = district_of(session)
    whens = [(column == code, district) for code, district in mapping.items() if code != district]
    return case(*whens, else_=column) if whens else column


def _series(key: str, label: str, colour: str, points: list[dict[str, Any]]) -> dict[str, Any]:
    return {"key": key, "label": label, "colour": colour, "points": points}


def _sized(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    top = max((p["value"] for p in points), default=0)
    for p in points:
        p["size"] = size(p["value"], top)
    return points


def _shown(number: float | None, unit: str, digits: int = 0) -> str:
    if number is None:
        return "—"
    return f"{number:,.{digits}f} {unit}".strip()


# -- 产业地图 ------------------------------------------------------------------------------------------


def _subtree(session: Session, chain: Chain, node_code: str) -> list[int]:
    """The chain's node ids, or one node's and its sub-nodes'."""
    rows = session.execute(
        select(ChainNode.id, ChainNode.parent_id, ChainNode.code).where(ChainNode.chain_id == chain.id)
    ).all()
    if not node_code:
        return [r[0] for r in rows]
    start = next((r[0] for r in rows if r[2] == node_code), None)
    if start is None:
        return []
    children: dict[int | None, list[int]] = {}
    for nid, parent, _ in rows:
        children.setdefault(parent, []).append(nid)
    out, stack = [start], [start]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child)
    return out


def _chain_enterprises(session: Session, actor: Actor, nodes: list[int], as_of: date) -> Any:
    """One row per enterprise on the nodes the actor may see: its best role (SQL subquery)."""
    rank = case(*((NodeLink.role == role, r) for role, r in ROLE_RANK.items()), else_=2)
    return (
        select(NodeLink.enterprise_id.label("enterprise_id"), func.min(rank).label("rank"))
        .where(
            NodeLink.kind == "enterprise",
            NodeLink.enterprise_id.is_not(None),
            NodeLink.node_id.in_(nodes),
            scope_clause(actor, NodeLink),
            or_(NodeLink.valid_from.is_(None), NodeLink.valid_from <= as_of),
            or_(NodeLink.valid_until.is_(None), NodeLink.valid_until >= as_of),
        )
        .group_by(NodeLink.enterprise_id)
        .subquery()
    )


def _incubating(as_of: date) -> Any:
    return and_(
        Tenant.entered_on <= as_of,
        or_(Tenant.graduated_on.is_(None), Tenant.graduated_on > as_of),
        or_(Tenant.left_on.is_(None), Tenant.left_on > as_of),
    )


def _industry_groups(session: Session, ents: Any, as_of: date) -> list[tuple[Any, ...]]:
    """(district, carrier id or None, role rank, enterprises, revenue, HNTE, R&D, revenue with R&D),
    grouped in SQL: an enterprise in incubation sits at its carrier, the others at their district."""
    place = (
        select(Tenant.enterprise_id, func.min(Tenant.carrier_id).label("carrier_id"))
        .where(_incubating(as_of))
        .group_by(Tenant.enterprise_id)
        .subquery()
    )
    # a correlated EXISTS probes the titles index per chain enterprise (a DISTINCT over every HNTE title
    # of a million-enterprise registry cost more than the rest of the view)
    hnte = (
        select(Title.id)
        .where(
            Title.enterprise_id == Enterprise.id,
            Title.type == TitleType.hnte.value,
            Title.year_granted <= as_of.year,
            or_(Title.valid_until.is_(None), Title.valid_until >= as_of),
        )
        .exists()
    )
    f = EnterpriseFigures
    district = _district_case(session, Enterprise.region_code)
    revenue = func.coalesce(Enterprise.latest_revenue, 0)
    stmt = (
        select(
            district,
            place.c.carrier_id,
            ents.c.rank,
            func.count(),
            func.sum(revenue),
            func.sum(case((hnte, 1), else_=0)),
            func.sum(func.coalesce(f.rd_expense, 0)),
            func.sum(case((f.rd_expense.is_not(None), revenue), else_=0)),
        )
        .select_from(ents)
        .join(Enterprise, Enterprise.id == ents.c.enterprise_id)
        .outerjoin(place, place.c.enterprise_id == Enterprise.id)
        .outerjoin(f, (f.enterprise_id == Enterprise.id) & (f.year == Enterprise.latest_year))
        .group_by(district, place.c.carrier_id, ents.c.rank)
    )
    return [tuple(r) for r in session.execute(stmt).all()]


def _coverage(session: Session, actor: Actor, nodes: list[int], as_of: date) -> dict[str, float]:
    """Per district: the share of the nodes with at least one of its enterprises linked."""
    if not nodes:
        return {}
    district = _district_case(session, NodeLink.region_code)
    rows = session.execute(
        select(district, func.count(func.distinct(NodeLink.node_id)))
        .where(
            NodeLink.kind == "enterprise",
            NodeLink.node_id.in_(nodes),
            scope_clause(actor, NodeLink),
            or_(NodeLink.valid_until.is_(None), NodeLink.valid_until >= as_of),
        )
        .group_by(district)
    ).all()
    return {d: n / len(nodes) for d, n in rows}


def industry(
    session: Session,
    *,
    actor: Actor,
    chain_code: str = "",
    node_code: str = "",
    measure: str = "enterprises",
    as_of: date | None = None,
) -> dict[str, Any]:
    """The industry map of one chain (or one node and its sub-nodes): enterprises by role, sized by
    revenue, at their carrier when in incubation and otherwise grouped at their district's centre
    (marked approximate: the registry holds no enterprise coordinates); areas shaded by ``measure``."""
    require(actor, Permission.see_atlas)
    day = as_of or date.today()
    chains = list(session.scalars(select(Chain).order_by(Chain.position, Chain.id)))
    chain = _pick(chains, chain_code)
    areas = map_areas(session, actor)
    measure = measure if measure in INDUSTRY_MEASURES else "enterprises"
    label, unit = INDUSTRY_MEASURES[measure]
    view: dict[str, Any] = {
        "kind": "industry",
        "measure": {"key": measure, "label": label, "unit": unit},
        "chains": [{"code": c.code, "name": c.name} for c in chains],
        "chain": chain.code if chain else "",
        "node": node_code,
    }
    nodes = _subtree(session, chain, node_code) if chain else []
    groups = _groups(session, actor, nodes, day)
    carriers = _carrier_places(session, {g[1] for g in groups if g[1] is not None})
    by_district = _industry_districts(groups, _coverage(session, actor, nodes, day))
    values = {code: by_district.get(code, {}).get(measure) for code, _ in areas}
    view["areas"] = _areas(areas, values, lambda v: _shown(v, unit, 0 if unit == "家" else 2))
    view["series"] = _industry_series(groups, carriers, dict(areas))
    view["tables"] = _industry_tables(view, by_district, dict(areas))
    view["note"] = (
        f"来源：kechuang 企业库与产业科创图谱（企业与节点关联、在孵企业），统计日 {day.isoformat()}"
    )
    return view


def _pick(chains: list[Chain], code: str) -> Chain | None:
    return next((c for c in chains if c.code == code), chains[0] if chains else None)


def _groups(session: Session, actor: Actor, nodes: list[int], day: date) -> list[tuple[Any, ...]]:
    if not nodes:
        return []
    return _industry_groups(session, _chain_enterprises(session, actor, nodes, day), day)


def _industry_districts(
    groups: Iterable[tuple[Any, ...]], coverage: Mapping[str, float]
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for district, _, _, n, revenue, hnte, rd, rd_base in groups:
        row = out.setdefault(
            district, {"enterprises": 0, "revenue_yuan": 0, "hnte": 0, "rd": 0, "rd_base": 0}
        )
        row["enterprises"] += n
        row["revenue_yuan"] += int(revenue or 0)
        row["hnte"] += hnte
        row["rd"] += int(rd or 0)
        row["rd_base"] += int(rd_base or 0)
    for district, row in out.items():
        row["revenue"] = round(row["revenue_yuan"] / 1e8, 2)
        row["rd_intensity"] = round(100 * row["rd"] / row["rd_base"], 2) if row["rd_base"] else None
        row["coverage"] = round(100 * coverage.get(district, 0.0), 2)
    for district, share in coverage.items():
        out.setdefault(
            district,
            {
                "enterprises": 0,
                "revenue": 0.0,
                "hnte": 0,
                "rd_intensity": None,
                "coverage": round(100 * share, 2),
            },
        )
    return out


def _carrier_places(session: Session, ids: set[int]) -> dict[int, tuple[str, float, float, bool]]:
    if not ids:
        return {}
    rows = session.execute(
        select(Carrier.id, Carrier.name, Carrier.lng, Carrier.lat, Carrier.approximate).where(
            Carrier.id.in_(ids)
        )
    ).all()
    return {cid: (name, lng, lat, approx) for cid, name, lng, lat, approx in rows}


def _industry_series(
    groups: Iterable[tuple[Any, ...]],
    carriers: Mapping[int, tuple[str, float, float, bool]],
    areas: Mapping[str, str],
) -> list[dict[str, Any]]:
    roles = list(ROLE_RANK)
    points: dict[str, list[dict[str, Any]]] = {role: [] for role in roles}
    for district, carrier_id, rank, n, revenue, *_ in groups:
        role = roles[int(rank)]
        if carrier_id is not None and carrier_id in carriers:
            name, lng, lat, approx = carriers[carrier_id]
            where = f"{name}（在孵）"
        elif district in areas:
            name, approx = areas[district], True
            lng, lat = geo.centre(areas[district])
            lat -= 0.04  # below the area's label, which sits on the centre
            where = areas[district]
        else:
            continue
        offset = 0.012 * (ROLE_RANK[role] - 1)  # the three roles side by side at one place
        points[role].append(
            {
                "name": f"{where} · {LinkRole(role).zh} {n} 家",
                "lng": round(lng + offset, 6),
                "lat": lat,
                "value": round(int(revenue or 0) / 1e8, 4),
                "count": n,
                "approximate": approx,
                "place": where,
            }
        )
    flat = [p for role in roles for p in points[role]]
    _sized(flat)
    return [_series(role, LinkRole(role).zh, ROLE_COLOURS[role], points[role]) for role in roles]


def _industry_tables(
    view: dict[str, Any], by_district: Mapping[str, Mapping[str, Any]], areas: Mapping[str, str]
) -> list[Table]:
    district_rows = [
        [
            name,
            by_district.get(code, {}).get("enterprises", 0),
            by_district.get(code, {}).get("revenue", 0.0),
            by_district.get(code, {}).get("hnte", 0),
            by_district.get(code, {}).get("rd_intensity"),
            by_district.get(code, {}).get("coverage", 0.0),
        ]
        for code, name in areas.items()
    ]
    point_rows = [
        [
            p["place"],
            s["label"],
            p["count"],
            p["value"],
            "是" if p["approximate"] else "否",
            p["lng"],
            p["lat"],
        ]
        for s in view["series"]
        for p in s["points"]
    ]
    return [
        Table(
            "区县",
            (
                "区县",
                "链上企业（家）",
                "营业收入（亿元）",
                "高新技术企业（家）",
                "研发强度（%）",
                "节点覆盖率（%）",
            ),
            district_rows,
            note=view.get("note", ""),
        ),
        Table(
            "点位",
            (
                "位置",
                "角色",
                "企业（家）",
                "营业收入（亿元）",
                "近似位置",
                "经度（WGS-84）",
                "纬度（WGS-84）",
            ),
            point_rows,
        ),
    ]


# -- 科创载体地图 --------------------------------------------------------------------------------------


def _carrier_rows(session: Session, actor: Actor, kind: str, level: str, day: date) -> list[Any]:
    where = [scope_clause(actor, Carrier)]
    if kind:
        where.append(Carrier.kind == kind)
    if level:
        where.append(Carrier.level == level)
    tenants = (
        select(Tenant.carrier_id, func.count().label("n"))
        .where(_incubating(day))
        .group_by(Tenant.carrier_id)
        .subquery()
    )
    return list(
        session.execute(
            select(
                Carrier.id,
                Carrier.name,
                Carrier.kind,
                Carrier.level,
                Carrier.region_code,
                Carrier.lng,
                Carrier.lat,
                Carrier.approximate,
                func.coalesce(tenants.c.n, 0),
            )
            .outerjoin(tenants, tenants.c.carrier_id == Carrier.id)
            .where(*where)
            .order_by(Carrier.id)
            .limit(MAX_POINTS + 1)
        ).all()
    )


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def carriers(
    session: Session, *, actor: Actor, kind: str = "", level: str = "", as_of: date | None = None
) -> dict[str, Any]:
    """Carriers by kind (colour) and level (size), with their tenants in incubation; areas shaded by the
    number of carriers. At most ``MAX_POINTS`` carriers are drawn (``truncated`` says when more match)."""
    require(actor, Permission.see_carriers)
    day = as_of or date.today()
    areas = map_areas(session, actor)
    rows = _carrier_rows(session, actor, kind, level, day)
    district = district_of(session)
    counts: dict[str, float] = {}
    series: dict[str, list[dict[str, Any]]] = {k: [] for k in CarrierKind.values()}
    for cid, name, k, lvl, region, lng, lat, approx, n in rows[:MAX_POINTS]:
        home = district.get(region, region)
        counts[home] = counts.get(home, 0) + 1
        series[k].append(
            {
                "id": cid,
                "name": name,
                "lng": lng,
                "lat": lat,
                "value": n,
                "size": LEVEL_SIZES.get(lvl, 11),
                "level": CarrierLevel(lvl).zh,
                "approximate": approx,
                "region": home,
                "panel": f"/carriers/{cid}/panel",
            }
        )
    note = f"来源：kechuang 科创载体库（在孵企业按入驻、毕业、迁出日期计算），统计日 {day.isoformat()}"
    view: dict[str, Any] = {
        "kind": "carriers",
        "measure": {"key": "carriers", "label": "科创载体数", "unit": "个"},
        "areas": _areas(areas, counts, lambda v: _shown(v, "个")),
        "series": [_series(k, CarrierKind(k).zh, KIND_COLOURS[k], pts) for k, pts in series.items() if pts],
        "truncated": len(rows) > MAX_POINTS,
        "note": note,
    }
    names = dict(areas)
    view["tables"] = [
        Table(
            "区县",
            ("区县", "科创载体（个）"),
            [[n, int(counts.get(c, 0))] for c, n in names.items()],
            note=note,
        ),
        Table(
            "载体",
            (
                "名称",
                "类型",
                "级别",
                "区县",
                "在孵企业（家）",
                "近似位置",
                "经度（WGS-84）",
                "纬度（WGS-84）",
            ),
            [
                [p["name"], s["label"], p["level"], names.get(p["region"], "")]
                + [p["value"], _yes(p["approximate"]), p["lng"], p["lat"]]
                for s in view["series"]
                for p in s["points"]
            ],
        ),
    ]
    return view


# -- 人才公寓地图 --------------------------------------------------------------------------------------

BANDS = (
    ("high", "入住率 ≥ 90%", "#b42318"),
    ("mid", "入住率 60%–90%", "#dc6803"),
    ("low", "入住率 < 60%", "#1570ef"),
)


def _talent_per_district(session: Session, actor: Actor) -> dict[str, dict[str, int]]:
    district = district_of(session)
    people = session.execute(
        select(Talent.region_code, Talent.programme, func.count())
        .where(scope_clause(actor, Talent), Talent.status == "active")
        .group_by(Talent.region_code, Talent.programme)
    ).all()
    per: dict[str, dict[str, int]] = {}
    for region, programme, n in people:
        row = per.setdefault(district.get(region, region), {})
        row[programme] = row.get(programme, 0) + n
    return per


def _apartment_point(a: Apartment, district: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    rate = a.occupied / a.units if a.units else 0.0
    band = "high" if rate >= 0.9 else "mid" if rate >= 0.6 else "low"
    return band, {
        "id": a.id,
        "name": a.name,
        "lng": a.lng,
        "lat": a.lat,
        "value": a.units,
        "occupied": a.occupied,
        "rate": round(100 * rate, 1),
        "approximate": a.approximate,
        "region": district.get(a.region_code, a.region_code),
    }


def apartments(session: Session, *, actor: Actor) -> dict[str, Any]:
    """Talent apartments sized by units and coloured by occupancy; areas shaded by the number of people
    in talent programmes (counts only: no names)."""
    require(actor, Permission.see_talent)
    areas = map_areas(session, actor)
    district = district_of(session)
    flats = session.scalars(
        select(Apartment).where(scope_clause(actor, Apartment)).order_by(Apartment.id).limit(MAX_POINTS)
    )
    per = _talent_per_district(session, actor)
    totals = {code: float(sum(row.values())) for code, row in per.items()}
    points: dict[str, list[dict[str, Any]]] = {b[0]: [] for b in BANDS}
    for a in flats:
        band, point = _apartment_point(a, district)
        points[band].append(point)
    flat = _sized([p for b in BANDS for p in points[b[0]]])
    names = dict(areas)
    programmes = TalentProgramme.values()
    note = "来源：kechuang 人才库与人才公寓登记（只计人数，不含姓名）"
    view: dict[str, Any] = {
        "kind": "apartments",
        "measure": {"key": "talent", "label": "人才计划在岗人数", "unit": "人"},
        "areas": _areas(areas, totals, lambda v: _shown(v, "人")),
        "series": [_series(key, label, colour, points[key]) for key, label, colour in BANDS],
        "note": note,
    }
    view["tables"] = [
        Table(
            "区县人才",
            ("区县", *(TalentProgramme(p).zh for p in programmes), "合计（人）"),
            [
                [n, *(per.get(c, {}).get(p, 0) for p in programmes), int(totals.get(c, 0))]
                for c, n in names.items()
            ],
            note=note,
        ),
        Table(
            "人才公寓",
            (
                "名称",
                "区县",
                "房源（套）",
                "已入住（套）",
                "入住率（%）",
                "近似位置",
                "经度（WGS-84）",
                "纬度（WGS-84）",
            ),
            [
                [p["name"], names.get(p["region"], ""), p["value"], p["occupied"], p["rate"]]
                + [_yes(p["approximate"]), p["lng"], p["lat"]]
                for p in flat
            ],
        ),
    ]
    return view


# -- any indicator (targets page) --------------------------------------------------------------------


def indicator_areas(
    session: Session, actor: Actor, values: Mapping[str, float | None], *, label: str, unit: str
) -> dict[str, Any]:
    """A choropleth of given per-district values (e.g. an indicator's actual on the targets page)."""
    areas = map_areas(session, actor)
    return {
        "kind": "indicator",
        "measure": {"key": "indicator", "label": label, "unit": unit},
        "areas": _areas(areas, values, lambda v: _shown(v, unit, 2)),
        "series": [],
    }
