"""Demo carriers, tenants, talent and apartments: about 120 carriers across the six districts and the
functional zones with the levels the seeds mention (国家级和省级众创空间各6家, a provincial incubator
close to national level), about 1,500 tenants drawn from the demo registry in the carrier's district,
yearly figures, about 800 people in the talent programmes (29 in 国家重大人才工程, 46 科技副总 …) and 30
talent apartments. Points lie inside their district (a few left without coordinates: approximate).
Deterministic for a seed and a day; the registry's own enterprises operate the R&D centres."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.scope import SYSTEM
from kechuang.carriers import geo
from kechuang.carriers.models import Carrier, CarrierYear, Tenant
from kechuang.carriers.service import area_names, link_carriers
from kechuang.chains.models import ChainNode, NodeLink
from kechuang.choices import PROGRAMME_LEVELS, TalentProgramme
from kechuang.enterprises.models import Enterprise
from kechuang.regions.models import Region
from kechuang.regions.service import district_of
from kechuang.talent.models import Apartment, Talent
from kechuang.talent.service import link_talent

SOURCE = "demo:carriers"
# kind → (how many, {level: share}), and the words its names end with
PLAN: dict[str, tuple[int, dict[str, float], tuple[str, ...]]] = {
    "incubator": (
        30,
        {"national": 0.1, "provincial": 0.45, "municipal": 0.45},
        ("科技企业孵化器", "科技创业园", "创业中心"),
    ),
    "maker_space": (30, {"national": 0.2, "provincial": 0.2, "municipal": 0.6}, ("众创空间", "创客空间")),
    "accelerator": (5, {"provincial": 0.4, "municipal": 0.6}, ("企业加速器",)),
    "university_park": (3, {"national": 0.34, "provincial": 0.66}, ("大学科技园",)),
    "engineering_centre": (20, {"provincial": 0.8, "municipal": 0.2}, ("工程技术研究中心",)),
    "enterprise_centre": (15, {"provincial": 0.7, "municipal": 0.3}, ("企业技术中心",)),
    "key_lab": (5, {"provincial": 0.6, "municipal": 0.4}, ("重点实验室",)),
    "new_rd_institution": (6, {"provincial": 0.5, "municipal": 0.5}, ("研究院",)),
    "service_platform": (4, {"provincial": 0.5, "municipal": 0.5}, ("公共技术服务平台",)),
    "science_park": (2, {"municipal": 1.0}, ("科技产业综合体",)),
}
HOSTING = {"incubator", "maker_space", "accelerator", "university_park", "science_park"}
FIELDS = (
    "智能制造",
    "新能源",
    "生物医药",
    "新材料",
    "数字经济",
    "汽车零部件",
    "高端装备",
    "微电子",
    "节能环保",
    "航空",
)
STEMS = ("创新港", "科创园", "智谷", "双创", "未来产业", "青年创业", "科技城", "创新")
TALENT_PLAN = {
    "national_major": 29,
    "jiangsu_innovation": 160,
    "tech_vice_president": 46,
    "lvyang_jinfeng": 360,
    "doctor": 205,
}
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华慧建国志红亮晨宇浩然思远雨欣子涵博文俊峰"


def _inside(rng: random.Random, area: geo.Area) -> tuple[float, float]:
    """A random point inside an area (rejection sampling around its centre)."""
    lng0, lat0 = area.centre
    for _ in range(200):
        lng, lat = lng0 + rng.uniform(-0.18, 0.18), lat0 + rng.uniform(-0.15, 0.15)
        if geo.contains(area, lng, lat):
            return round(lng, 6), round(lat, 6)
    return lng0, lat0


def _level(kind: str, i: int) -> str:
    """The i-th carrier of a kind takes the levels in order of the plan's shares (6 of 30 national …)."""
    count, shares, _ = PLAN[kind]
    edge = 0.0
    for level, share in shares.items():
        edge += share * count
        if i < round(edge):
            return level
    return list(shares)[-1]


def _places(session: Session) -> list[tuple[str, str, str]]:
    """(region code, its name, the map area it lies in) for every district, county and zone."""
    areas = area_names(session)
    names = dict(session.execute(select(Region.code, Region.name).where(Region.kind != "city")).all())
    return [(code, names[code], areas[code]) for code in sorted(names) if code in areas]


def _carriers(session: Session, rng: random.Random, today: date) -> list[Carrier]:
    places = _places(session)
    shapes = geo.areas()
    nodes = list(session.scalars(select(ChainNode.code).order_by(ChainNode.id)))
    district = district_of(session)
    operators: dict[str, list[tuple[int, str]]] = {}
    for eid, name, region in session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.region_code)
        .order_by(Enterprise.sort_revenue.desc())
        .limit(4000)
    ):
        operators.setdefault(district.get(region, region), []).append((eid, name))
    made: list[Carrier] = []
    ctx = {"places": places, "shapes": shapes, "nodes": nodes, "district": district, "operators": operators}
    for kind in PLAN:
        for i in range(PLAN[kind][0]):
            made.append(_carrier(rng, kind, i, made, ctx, today))
    _near_national(made)
    session.add_all(made)
    session.flush()
    return made


def _operator(kind: str, i: int, owner: list[tuple[int, str]]) -> tuple[int, str] | None:
    """R&D centres are run by a registry enterprise of their district."""
    if owner and kind in ("engineering_centre", "enterprise_centre"):
        return owner[i % len(owner)]
    return None


def _carrier(
    rng: random.Random, kind: str, i: int, made: list[Carrier], ctx: dict[str, Any], today: date
) -> Carrier:
    endings = PLAN[kind][2]
    places = ctx["places"]
    code, region_name, area = places[(i * 7 + len(made)) % len(places)]
    short = region_name.removeprefix("扬州").removesuffix("风景名胜区")[:4]
    field = FIELDS[(i + len(made)) % len(FIELDS)]
    op = _operator(kind, i, ctx["operators"].get(ctx["district"].get(code, code), []))
    taken = {c.name for c in made}
    name = f"{op[1]}{endings[0]}" if op else f"{short}{field}{endings[i % len(endings)]}"
    for other in FIELDS + STEMS:  # another field, then another stem, until the name is free
        if name not in taken:
            break
        name = f"{short}{other}{endings[i % len(endings)]}"
    exact = rng.random() > 0.08
    lng, lat = _inside(rng, ctx["shapes"][area]) if exact else geo.centre(area)
    level = _level(kind, i)
    hosting = kind in HOSTING
    nodes = ctx["nodes"]
    return Carrier(
        name=name,
        kind=kind,
        level=level,
        recognised_year=rng.randint(2012, today.year - 1),
        recognition_document=_document(kind, level),
        operator_enterprise_id=op[0] if op else None,
        operator_name=op[1] if op else f"{short}科技创业服务有限公司",
        region_code=code,
        address=f"{region_name}{field}大道{rng.randint(1, 399)}号",
        lng=lng,
        lat=lat,
        approximate=not exact,
        area_m2=float(rng.randrange(3_000, 60_000, 500)) if hosting else None,
        opened_on=date(rng.randint(2010, today.year - 2), rng.randint(1, 12), 1),
        legal_person=rng.random() > 0.15 if hosting else None,
        node_codes="|".join(rng.sample(nodes, k=min(len(nodes), rng.randint(1, 3)))),
        source=SOURCE,
    )


def _document(kind: str, level: str) -> str:
    if level == "national":
        return "科技部火炬中心 国家级名单" if kind in HOSTING else "科技部 认定通知"
    if level == "provincial":
        return "江苏省科技厅 省级认定通知"
    return "扬州市科技局 市级认定通知"


def _near_national(made: list[Carrier]) -> None:
    """One provincial incubator close to national level (the 零突破 list's top): large, long-running."""
    pick = next((c for c in made if c.kind == "incubator" and c.level == "provincial"), None)
    if pick is not None:
        pick.area_m2, pick.legal_person, pick.opened_on = 18_000.0, True, date(2016, 5, 1)
        pick.name = "星创科技企业孵化器"


def _tenants(session: Session, rng: random.Random, carriers: list[Carrier], today: date) -> int:
    district = district_of(session)
    pool: dict[str, list[int]] = {}
    for eid, region in session.execute(select(Enterprise.id, Enterprise.region_code).order_by(Enterprise.id)):
        pool.setdefault(district.get(region, region), []).append(eid)
    hosts = [c for c in carriers if c.kind in HOSTING]
    rows: list[Tenant] = []
    for c in hosts:
        local = pool.get(district.get(c.region_code, c.region_code), [])
        strong = c.name == "星创科技企业孵化器"
        for k, eid in enumerate(
            rng.sample(
                local,
                k=min(len(local), 70 if strong else 56 if c.level == "national" else rng.randint(8, 36)),
            )
        ):
            rows.append(
                _tenant(
                    rng, c, eid, today, forced=("graduated" if k % 5 == 0 else "incubating") if strong else ""
                )
            )
    session.add_all(rows)
    session.flush()
    return len(rows)


def _tenant(rng: random.Random, c: Carrier, eid: int, today: date, *, forced: str) -> Tenant:
    """One tenant: in incubation, graduated (about 20%) or left (8%), or the ``forced`` status."""
    start = max(c.opened_on or date(2016, 1, 1), date(2016, 1, 1))
    roll = rng.random()
    status = forced or ("graduated" if roll < 0.2 else "left" if roll < 0.28 else "incubating")
    latest = (today - start).days - (1300 if status != "incubating" else 60)
    entered = start + timedelta(days=rng.randint(0, max(1, latest)))
    end = entered + timedelta(days=rng.randint(200, 1200))
    if status != "incubating" and end >= today:
        status = "incubating"
    return Tenant(
        carrier_id=c.id,
        enterprise_id=eid,
        region_code=c.region_code,
        status=status,
        entered_on=entered,
        graduated_on=end if status == "graduated" else None,
        left_on=end if status == "left" else None,
        source=SOURCE,
    )


def _years(session: Session, rng: random.Random, carriers: list[Carrier], today: date) -> int:
    rows = []
    for c in carriers:
        if c.kind not in HOSTING:
            continue
        rows += [_year(rng, c, year) for year in range(today.year - 3, today.year)]
    session.add_all(rows)
    session.flush()
    return len(rows)


def _year(rng: random.Random, c: Carrier, year: int) -> CarrierYear:
    strong = c.name == "星创科技企业孵化器"
    tenants = 60 if strong else rng.randint(8, 40)
    staff = rng.randint(8, 30)
    return CarrierYear(
        carrier_id=c.id,
        region_code=c.region_code,
        year=year,
        tenant_area_m2=round((c.area_m2 or 5000) * (0.8 if strong else rng.uniform(0.5, 0.9))),
        fund=(8_000_000 if strong else rng.randrange(500_000, 9_000_000, 100_000)),
        fund_cases=rng.randint(3, 10) if strong else rng.randint(0, 6),
        financed_tenants=max(6, tenants // 8) if strong else rng.randint(0, 6),
        financing=rng.randrange(1_000_000, 200_000_000, 1_000_000),
        tenant_revenue=rng.randrange(10_000_000, 2_000_000_000, 1_000_000),
        staff=staff,
        pro_staff=staff if strong else rng.randint(staff // 2, staff),
        mentors=rng.randint(6, 20) if strong else rng.randint(1, 8),
        patent_tenants=tenants // 2 + 2 if strong else rng.randint(1, tenants),
        ip_tenants=rng.randint(1, tenants),
        tenant_patents=rng.randint(10, 300),
        source=SOURCE,
    )


def _talent(session: Session, rng: random.Random, carriers: list[Carrier], today: date) -> list[Talent]:
    hosts = session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.region_code)
        .order_by(Enterprise.sort_revenue.desc())
        .limit(1500)
    ).all()
    node_of = dict(
        session.execute(
            select(NodeLink.enterprise_id, NodeLink.node_id)
            .where(NodeLink.kind == "enterprise")
            .order_by(NodeLink.id)
        ).all()
    )
    labs = [c for c in carriers if c.kind in ("new_rd_institution", "key_lab", "university_park")]
    people: list[Talent] = []
    for programme, count in TALENT_PLAN.items():
        for i in range(count):
            person = Talent(
                name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                programme=programme,
                year=rng.randint(today.year - 8, today.year - 1),
                level=PROGRAMME_LEVELS[TalentProgramme(programme)].value,
                speciality=rng.choice(FIELDS),
                status=rng.choices(("active", "completed", "left"), weights=(0.85, 0.1, 0.05))[0],
                source=SOURCE,
            )
            if labs and (programme == "doctor" or i % 6 == 0) and rng.random() < 0.4:
                lab = rng.choice(labs)
                person.host_carrier_id, person.host_name, person.region_code = (
                    lab.id,
                    lab.name,
                    lab.region_code,
                )
            elif hosts:
                eid, name, region = hosts[rng.randrange(len(hosts))]
                person.host_enterprise_id, person.host_name, person.region_code = eid, name, region
                person.node_id = node_of.get(eid)
            else:
                continue
            people.append(person)
    session.add_all(people)
    session.flush()
    return people


def _apartments(session: Session, rng: random.Random) -> int:
    places = [p for p in _places(session)]
    shapes = geo.areas()
    flats = []
    for i in range(30):
        code, region_name, area = places[i % len(places)]
        short = region_name.removeprefix("扬州")[:4]
        units = rng.randrange(60, 620, 10)
        exact = i % 10 != 9
        lng, lat = _inside(rng, shapes[area]) if exact else geo.centre(area)
        flats.append(
            Apartment(
                name=f"{short}人才公寓{'一二三四五'[i // len(places) % 5]}期",
                region_code=code,
                address=f"{region_name}人才路{rng.randint(1, 199)}号",
                lng=lng,
                lat=lat,
                approximate=not exact,
                units=units,
                occupied=round(units * rng.uniform(0.45, 1.0)),
                operator=f"{short}人才发展集团",
                source=SOURCE,
            )
        )
    session.add_all(flats)
    session.flush()
    return len(flats)


def demo_carriers(session: Session, *, today: date, seed: int = 15) -> dict[str, Any]:
    """Load the demo carriers, tenants, yearly figures, talent and apartments (once); their counts."""
    if session.scalar(select(Carrier.id).limit(1)) is not None:
        return {}
    rng = random.Random(seed)
    carriers = _carriers(session, rng, today)
    link_carriers(session, carriers)
    tenants = _tenants(session, rng, carriers, today)
    years = _years(session, rng, carriers, today)
    people = _talent(session, rng, carriers, today)
    link_talent(session, people)
    flats = _apartments(session, rng)
    counts = {
        "carriers": len(carriers),
        "tenants": tenants,
        "years": years,
        "talent": len(people),
        "apartments": flats,
    }
    audit.record(
        session,
        SYSTEM,
        entity="carriers",
        action="import",
        summary="演示数据：" + "、".join(f"{k} {v}" for k, v in counts.items()),
    )
    return counts
