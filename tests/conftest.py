"""Test fixtures. Every test that touches the database runs on SQLite and on PostgreSQL.

PostgreSQL comes from KECHUANG_TEST_POSTGRES_URL (default: the local `test` database); each
test session works in its own schema, so parallel and repeated runs never collide.
KECHUANG_TEST_BACKENDS=sqlite (or postgresql) narrows the run for quick local checks.
"""

from __future__ import annotations

import os
import re
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from kechuang import migrate
from kechuang.auth.models import User
from kechuang.auth.passwords import hash_password
from kechuang.bootstrap import ensure_regions
from kechuang.db import make_engine, make_session_factory, transaction
from kechuang.models import Base
from kechuang.settings import Settings

PG_URL = os.environ.get("KECHUANG_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = [b for b in os.environ.get("KECHUANG_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
PASSWORD = "correct-horse-9"
SECRET = "test-secret-" + "x" * 40


def free_port() -> int:
    """A free local TCP port for a test server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


def pg_schema_engine(schema: str) -> Engine:
    sep = "&" if "?" in PG_URL else "?"
    return make_engine(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")


def new_pg_schema(prefix: str = "kc") -> tuple[str, Engine]:
    worker = re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))
    schema = f"{prefix}_{worker}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema, pg_schema_engine(schema)


def drop_pg_schema(schema: str) -> None:
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated database per backend for the whole test session."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
        migrate.upgrade(eng)
        yield eng
        eng.dispose()
        return
    schema, eng = new_pg_schema()
    try:
        migrate.upgrade(eng)
        yield eng
    finally:
        eng.dispose()
        drop_pg_schema(schema)


@pytest.fixture
def settings(engine: Engine) -> Settings:
    return Settings(database_url=engine.url.render_as_string(hide_password=False), secret_key=SECRET)


@pytest.fixture
def factory(engine: Engine, settings: Settings) -> Iterator[sessionmaker[Session]]:
    """A clean database (regions loaded, nothing else) for each test."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    fac = make_session_factory(engine)
    with transaction(fac) as session:
        ensure_regions(session, settings)
    return fac


@pytest.fixture
def db(factory: sessionmaker[Session]) -> Iterator[Session]:
    session = factory()
    yield session
    session.rollback()
    session.close()


@dataclass
class Made:
    """Handy creators for test data."""

    factory: sessionmaker[Session]
    password_hash: str

    def user(
        self, username: str, role: str, region_code: str | None = None, enterprise_id: int | None = None
    ) -> User:
        with transaction(self.factory) as s:
            user = User(
                username=username,
                display_name=username,
                password_hash=self.password_hash,
                role=role,
                region_code=region_code,
                enterprise_id=enterprise_id,
            )
            s.add(user)
            s.flush()
            return user

    def enterprise(self, name: str, region_code: str, uscc: str | None = None) -> int:
        from kechuang.enterprises.models import Enterprise
        from kechuang.enterprises.uscc import complete

        with transaction(self.factory) as s:
            code = uscc or complete(f"91{region_code[:6]}MA{uuid.uuid4().int % 10**7:07d}")
            ent = Enterprise(uscc=code, name=name, region_code=region_code)
            s.add(ent)
            s.flush()
            return ent.id


@pytest.fixture
def made(factory: sessionmaker[Session], password_hash: str) -> Made:
    return Made(factory, password_hash)


@pytest.fixture
def app(settings: Settings, engine: Engine, factory: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    from kechuang.web.app import create_app

    return create_app(settings, engine)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, follow_redirects=False) as c:
        yield c


def csrf_of(client: TestClient) -> str:
    """Load the login page (which sets the CSRF cookie) and return the token."""
    page = client.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, "login page has no CSRF field"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    token = csrf_of(client)
    resp = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token, "next": "/"}
    )
    assert resp.status_code == 303, resp.text
    return client


def bearer(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    resp = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}
