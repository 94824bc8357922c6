"""GET only reads: requesting every page and API list leaves every table as it was (issue 12).

Work that used to happen inside page requests (status history, refreshes) belongs in jobs
(``kechuang jobs run``). A row count per table is compared, and the audit log catches updates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from starlette.routing import Route

from kechuang.auth.scope import SYSTEM
from kechuang.chains.demo import demo_links
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.models import Base
from kechuang.projects.demo import demo_projects
from tests.conftest import login

TODAY = date.today()
SKIP = {"/logout", "/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"}
KNOWN_WRITERS: set[str] = set()


@pytest.fixture
def city(factory, made):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_city(s, n=300, seed=5, last_year=TODAY.year - 1)
        s.info["actor"] = SYSTEM
        load_file(s, actor=SYSTEM)
        demo_links(s, start_year=TODAY.year - 3)
        demo_projects(s, today=TODAY)
    made.user("boss", "admin")


def _counts(factory) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with factory() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def _routes(routes, prefix: str = ""):  # type: ignore[no-untyped-def]
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI's included routers
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _routes(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif isinstance(route, Route):
            yield prefix + route.path, route.methods or set()


def _get_paths(app) -> list[str]:  # type: ignore[no-untyped-def]
    paths = {p for p, methods in _routes(app.routes) if "GET" in methods and "{" not in p}
    return sorted(paths - SKIP - KNOWN_WRITERS)


def test_every_get_leaves_the_database_unchanged(city, factory, client, app) -> None:  # type: ignore[no-untyped-def]
    login(client, "boss")
    before = _counts(factory)
    paths = _get_paths(app)
    assert len(paths) > 20
    writers, errors = {}, []
    for path in paths:
        if client.get(path).status_code >= 500:
            errors.append(path)
        after = _counts(factory)
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        if changed:
            writers[path] = changed
            before = after
    assert errors == [] and writers == {}, f"server errors: {errors}; GET requests that wrote: {writers}"
