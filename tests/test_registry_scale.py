"""The demo city round-trips through Excel unchanged, and list queries do not grow with the page (no N+1)."""

from __future__ import annotations

from sqlalchemy import event

from kechuang.auth.scope import SYSTEM
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.enterprises.columns import DATASETS
from kechuang.enterprises.excel import workbook_bytes
from kechuang.enterprises.importer import import_file
from kechuang.enterprises.service import export_frame
from kechuang.regions.service import all_regions
from tests.conftest import bearer, login


def test_demo_city_exports_and_imports_back_with_zero_changes(factory) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        assert load_city(s, n=300, seed=5, last_year=2025)
        assert not load_city(s, n=300, seed=5, last_year=2025)  # a second run finds it loaded
        names = {r.code: r.name for r in all_regions(s) if r.parent_code}
    for name, ds in DATASETS.items():
        with transaction(factory) as s:
            frame = export_frame(s, actor=SYSTEM, dataset_name=name)
        assert frame.height > 0, name
        with transaction(factory) as s:
            result = import_file(
                s,
                actor=SYSTEM,
                dataset_name=name,
                content=workbook_bytes(ds, frame, names),
                filename=f"{name}.xlsx",
            )
        assert (result.created, result.updated, result.unchanged) == (0, 0, frame.height), name


def _count_queries(engine, call) -> int:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def listener(*args) -> None:  # type: ignore[no-untyped-def]
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def test_list_query_count_does_not_grow_with_page_size(client, engine, factory, made) -> None:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_city(s, n=200, seed=5, last_year=2025)
    made.user("boss", "admin")
    headers = bearer(client, "boss")
    small = _count_queries(
        engine, lambda: client.get("/api/v1/enterprises", headers=headers, params={"page_size": 5})
    )
    large = _count_queries(
        engine, lambda: client.get("/api/v1/enterprises", headers=headers, params={"page_size": 100})
    )
    assert small == large
    login(client, "boss")
    small = _count_queries(engine, lambda: client.get("/enterprises", params={"title": "hnte", "page": 1}))
    large = _count_queries(engine, lambda: client.get("/enterprises", params={"page": 2}))
    assert small == large


def test_capped_lists_page_exactly_like_exact_ones(factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The per-region merge used past COUNT_CAP gives the same pages as sorting every match."""
    from kechuang.auth.scope import Actor
    from kechuang.choices import Role
    from kechuang.enterprises import service

    with transaction(factory) as s:
        load_city(s, n=300, seed=9, last_year=2025)
    district = Actor(
        user_id=None,
        username="d",
        role=Role.district,
        region_code="321003",
        region_codes=frozenset({"321003", "32100301", "32100302", "32100303"}),
    )
    queries = [{}, {"title": "hnte"}, {"q": "科技"}, {"region_code": "321003"}, {"size_class": "small"}]

    def pages(actor) -> list[list[int]]:  # type: ignore[no-untyped-def]
        out = []
        for filters in queries:
            for sort in ("name", "revenue"):
                for page in (1, 2, 4):
                    with transaction(factory) as s:
                        result = service.list_enterprises(
                            s,
                            actor=actor,
                            query=service.EnterpriseQuery(**filters, sort=sort, page=page, page_size=7),
                        )
                    out.append([e.id for e in result.items])
        return out

    for actor in (SYSTEM, district):
        exact = pages(actor)
        monkeypatch.setattr(service, "COUNT_CAP", 5)
        capped = pages(actor)
        monkeypatch.setattr(service, "COUNT_CAP", 10_000)
        assert capped == exact
        assert sum(len(p) for p in exact) > 50


def test_search_matches_name_alias_and_uscc_prefix(factory) -> None:  # type: ignore[no-untyped-def]
    """Every search form finds exactly what a plain substring/prefix test over all enterprises finds."""
    from kechuang.enterprises import service
    from kechuang.enterprises.models import Enterprise

    with transaction(factory) as s:
        load_city(s, n=300, seed=11, last_year=2025)
        first = s.scalars(service.select(Enterprise).order_by(Enterprise.id).limit(1)).one()
        first.aliases = "ABB扬州"
        everyone = [(e.id, e.name, e.aliases or "", e.uscc) for e in s.scalars(service.select(Enterprise))]
    probes = {
        "科技": lambda n, a, u: "科技" in n or "科技" in a,
        first.name[2:5]: lambda n, a, u: first.name[2:5] in n or first.name[2:5] in a,
        first.uscc: lambda n, a, u: u == first.uscc,
        first.uscc[:10].lower(): lambda n, a, u: u.startswith(first.uscc[:10]),
        "9132": lambda n, a, u: u.startswith("9132"),
        "abb": lambda n, a, u: "ABB" in a.upper() or "ABB" in n.upper() or u.startswith("ABB"),
    }
    for q, matches in probes.items():
        with transaction(factory) as s:
            found = service.list_enterprises(
                s, actor=SYSTEM, query=service.EnterpriseQuery(q=q, page_size=500)
            )
        expected = {i for i, n, a, u in everyone if matches(n, a, u)}
        assert {e.id for e in found.items} == expected, q
        assert expected, q
