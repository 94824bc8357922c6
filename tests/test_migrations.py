"""Every schema change is a migration: upgrade → downgrade → upgrade works, and the models match."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from kechuang import migrate
from kechuang.bootstrap import ensure_regions
from kechuang.db import make_engine, make_session_factory, transaction
from kechuang.demo.city import load_city
from kechuang.models import Base
from kechuang.settings import Settings
from tests.conftest import BACKENDS, drop_pg_schema, new_pg_schema

REVISIONS = sorted(p.name.split("_")[0] for p in (Path(migrate.SCRIPT_LOCATION) / "versions").glob("0*.py"))


@pytest.fixture(params=BACKENDS)
def fresh_engine(request, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        yield eng
        eng.dispose()
        return
    schema, eng = new_pg_schema("kcmig")
    try:
        yield eng
    finally:
        eng.dispose()
        drop_pg_schema(schema)


def test_upgrade_downgrade_upgrade(fresh_engine) -> None:  # type: ignore[no-untyped-def]
    migrate.upgrade(fresh_engine)
    tables = set(inspect(fresh_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    factory = make_session_factory(fresh_engine)
    with transaction(factory) as session:  # with data in every table the rebuilds must keep it
        ensure_regions(session, Settings())
        load_city(session, n=50, seed=1, last_year=2025)
    for revision in reversed(REVISIONS[:-1]):
        migrate.downgrade(fresh_engine, revision)
        migrate.upgrade(fresh_engine)
        with fresh_engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM enterprises").scalar() == 50, revision
    migrate.downgrade(fresh_engine, "base")
    assert set(inspect(fresh_engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(fresh_engine)
    assert set(Base.metadata.tables) <= set(inspect(fresh_engine).get_table_names())


def test_models_match_migrations(fresh_engine) -> None:  # type: ignore[no-untyped-def]
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
