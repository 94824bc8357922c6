"""Schemathesis over the whole JSON API (bounded): every operation, a few derandomized examples each,
as the city's administrator and as a district operator, against a small demo city on SQLite.

Fails on any server error (5xx), any response that violates its declared schema, any status code the
operation does not declare, a wrong content type, and a wrong answer to an undeclared method. The
unbounded run (every check, ≥ 10,000 cases) is ``python scripts/fuzz_api.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from kechuang import migrate
from kechuang.db import make_engine, make_session_factory
from kechuang.demo.loader import DEMO_USERS
from kechuang.demo.service import load_demo
from kechuang.settings import Settings
from tests import api_fuzz_formats
from tests.conftest import PASSWORD, SECRET

api_fuzz_formats.register()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    unsupported_method,
]
ROLES = {"admin": "admin", "district": "hanjiang"}  # the demo's city administrator and 邗江区 operator
FUZZ = settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A small demo city (the demo's every part: registry, atlas and links, targets, documents, projects,
    ladder years, demo users) on its own SQLite file."""
    from kechuang.web.app import create_app

    path: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    settings_ = Settings(database_url=f"sqlite:///{path}", secret_key=SECRET, in_process_worker=False)
    factory = make_session_factory(engine)
    load_demo(
        engine,
        factory,
        settings_,
        enterprises=120,
        seed=5,
        last_year=date.today().year - 1,
        say=lambda _: None,
        passwords={u.username: PASSWORD for u in DEMO_USERS},
    )
    yield create_app(settings_, engine)
    engine.dispose()


@pytest.fixture(scope="module")
def tokens(fuzz_app) -> Iterator[dict[str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    with TestClient(fuzz_app) as client:
        out = {}
        for role, username in ROLES.items():
            resp = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            assert resp.status_code == 200, resp.text
            out[role] = {"Authorization": f"Bearer {resp.json()['access_token']}"}
        yield out


@pytest.fixture(scope="module")
def api_schema(fuzz_app):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@FUZZ
def test_api_as_admin(case, tokens) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(headers=tokens["admin"], checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_api_as_district(case, tokens) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(headers=tokens["district"], checks=CHECKS)
