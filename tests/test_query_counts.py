"""Query-count pins: every list page and list API answers in a fixed, small number of SQL statements,
whatever the number of rows (an N+1 over a page of 50 rows would overshoot its pin many times).

The pins are the counts measured on the demo city; a change that adds a statement must raise its pin
here on purpose. Counted as admin and as a district operator, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from kechuang.auth.scope import SYSTEM
from kechuang.chains.demo import demo_links
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.documents.demo import demo_documents
from kechuang.projects.demo import demo_projects
from tests.conftest import bearer, login

TODAY = date.today()
# list URL → the most SQL statements one request may run
PINS = {
    "/": 16,
    "/enterprises": 9,
    "/enterprises?sort=revenue&page=2": 9,
    "/api/v1/enterprises": 6,
    "/projects": 15,
    "/api/v1/projects": 11,
    "/documents": 7,
    "/targets": 10,
    "/atlas": 13,
    "/atlas/compare": 13,
    "/atlas/links": 5,
    "/ladder": 20,
    "/points": 13,
    "/admin/audit": 6,
    "/api/v1/audit": 5,
    "/admin/users": 5,
    "/admin/jobs": 5,
    "/regions": 5,
}


@contextmanager
def counting(engine) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def city(factory, made):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_city(s, n=400, seed=5, last_year=TODAY.year - 1)
        s.info["actor"] = SYSTEM
        load_file(s, actor=SYSTEM)
        demo_links(s, start_year=TODAY.year - 3)
        demo_projects(s, today=TODAY)
        demo_documents(s)
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")


@pytest.mark.parametrize("username", ["boss", "hj"])
def test_list_endpoints_stay_within_their_query_pins(city, client, engine, username: str) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(client, username)
    login(client, username)
    over = {}
    for url, pin in PINS.items():
        client.get(url, headers=headers if url.startswith("/api/") else {})  # warm caches
        with counting(engine) as statements:
            resp = client.get(url, headers=headers if url.startswith("/api/") else {})
        if resp.status_code == 403:
            continue
        assert resp.status_code == 200, (url, resp.status_code)
        if len(statements) > pin:
            over[url] = len(statements)
    assert over == {}
