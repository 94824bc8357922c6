"""The demo city as one use case: ``load_demo`` prepares the database and loads everything a first
afternoon needs (registry, atlas and links, indicators, documents, projects, ladder years, demo
accounts). Safe to run again: each part loads once."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kechuang.db import transaction
from kechuang.demo.loader import Credential
from kechuang.settings import Settings


def _atlas(session: Session, *, start_year: int) -> str:
    """The built-in atlas (unless an atlas is there) and the demo links (once)."""
    from kechuang.chains.commands import load_atlas
    from kechuang.chains.demo import demo_links
    from kechuang.chains.service import BUILTIN, has_atlas

    summary = "" if has_atlas(session) else load_atlas(session, BUILTIN)
    links = demo_links(session, start_year=start_year)
    return f"{summary}; {links:,} 条关联 links" if links else summary


def _monitoring(session: Session, today: date) -> int:
    """Indicators with targets, the demo documents, the key projects, the demands with their matches and
    the challenges; the number of projects made."""
    from kechuang.carriers.demo import demo_carriers
    from kechuang.carriers.figures import feed as carrier_figures
    from kechuang.challenges.demo import demo_challenges
    from kechuang.documents.demo import demo_documents
    from kechuang.indicators.demo import demo_indicators
    from kechuang.matching.demo import demo_matching
    from kechuang.projects.demo import demo_projects

    demo_indicators(session, today=today)
    demo_documents(session)
    made = demo_projects(session, today=today)
    demo_carriers(session, today=today)
    carrier_figures(session, today)
    demo_matching(session, today=today)
    demo_challenges(session, today=today)
    return made


def load_demo(
    engine: Any,
    factory: Any,
    settings: Settings,
    *,
    enterprises: int,
    seed: int,
    last_year: int,
    say: Callable[[str], None] = print,
    passwords: dict[str, str] | None = None,
) -> list[Credential]:
    """Load the demo city (each part in its own transaction) and return the demo accounts with fresh
    passwords (or ``passwords``: username → password, for tests and the fuzzer)."""
    from kechuang.bootstrap import prepare_database
    from kechuang.demo.city import load_city
    from kechuang.demo.loader import load_demo_users
    from kechuang.ladder.commands import refresh_years

    with transaction(factory) as session:
        prepare_database(engine, session, settings)
    started = time.perf_counter()
    with transaction(factory) as session:
        loaded = load_city(session, n=enterprises, seed=seed, last_year=last_year)
    if loaded:
        say(
            f"已生成并载入演示城市 demo city loaded: {enterprises:,} 家企业 enterprises "
            f"({time.perf_counter() - started:.1f} s)"
        )
    else:
        say("演示城市已在库中 demo city already loaded")
    with transaction(factory) as session:
        atlas = _atlas(session, start_year=last_year - 2)
    if atlas:
        say(f"已载入产业科创图谱和演示关联 atlas and demo links loaded: {atlas}")
    today = date.today()
    with transaction(factory) as session:
        projects = _monitoring(session, today)
    if projects:
        say(f"已生成演示重点项目 demo key projects: {projects}")
    refresh_years(factory, [today.year - 1, today.year], force=False)
    with transaction(factory) as session:
        return load_demo_users(session, settings, passwords)
