"""Scoping from one resource table (as NetBox tests its views): every scoped resource, read through its
page and its API, by every role, for an object inside and an object outside a district.

A new scoped endpoint is one more line in ``RESOURCES``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from kechuang.auth.scope import SYSTEM
from kechuang.carriers.demo import demo_carriers
from kechuang.carriers.models import Carrier
from kechuang.chains.demo import demo_links
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.documents.demo import demo_documents
from kechuang.documents.models import Document
from kechuang.enterprises.models import Enterprise
from kechuang.matching.models import Demand
from kechuang.matching.service import DemandValues, post_demand
from kechuang.projects.demo import demo_projects
from kechuang.projects.models import Project
from tests.conftest import login

HANJIANG, GUANGLING = "321003", "321002"
TODAY = date.today()


@dataclass(frozen=True)
class Resource:
    path: str  # with {id}
    model: type
    roles: frozenset[str] = frozenset({"admin", "viewer", "district"})  # roles that may open the kind at all


RESOURCES = [
    Resource("/enterprises/{id}", Enterprise),
    Resource("/api/v1/enterprises/{id}", Enterprise),
    Resource("/enterprises/{id}/self-check", Enterprise, roles=frozenset({"admin", "viewer", "district"})),
    Resource("/enterprises/{id}/edit", Enterprise, roles=frozenset({"admin", "district"})),
    Resource("/projects/{id}", Project),
    Resource("/api/v1/projects/{id}", Project),
    Resource("/documents/{id}", Document),
    Resource("/api/v1/documents/{id}", Document),
    Resource("/targets/region/{id}", Enterprise, roles=frozenset({"admin", "viewer", "district"})),
    Resource("/api/v1/targets/regions/{id}", Enterprise, roles=frozenset({"admin", "viewer", "district"})),
    Resource("/api/v1/enterprises/{id}/assessment", Enterprise),
    # bureau-only demands (a public one is open to every role by design)
    Resource("/demands/{id}", Demand),
    Resource("/api/v1/demands/{id}", Demand),
    Resource("/api/v1/demands/{id}/matches", Demand),
    Resource("/carriers/{id}", Carrier),
    Resource("/carriers/{id}/panel", Carrier),
    Resource("/carriers/{id}/edit", Carrier, roles=frozenset({"admin", "district"})),
    Resource("/api/v1/carriers/{id}", Carrier),
    Resource("/api/v1/carriers/{id}/tenants", Carrier),
]
# GET routes with a path parameter that are not a region- or enterprise-scoped object, and why
UNSCOPED = {
    "/capabilities/{capability_id}": "capability profiles are a directory every role reads",
    "/api/v1/capabilities/{capability_id}": "capability profiles are a directory every role reads",
    "/capabilities/{capability_id}/edit": "the directory's form; it refuses who may not change the profile",
    "/api/v1/chains/{chain_id}": "the atlas is the city's, the same for every role",
    "/api/v1/chains/{chain_id}/analysis": "city-wide atlas analysis",
    "/atlas/atlas.{fmt}": "the atlas file",
    "/atlas/chains/{code}": "city-wide atlas page; its links are scoped (tests/test_chains_service.py)",
    "/atlas/chains/{code}/gaps.xlsx": "city-wide gap list",
    "/atlas/nodes/{node_id}": "a node page; its links are scoped (tests/test_chains_service.py)",
    "/atlas/snapshots/{year}.json": "city-wide yearly snapshot",
    "/api/v1/atlas/snapshots/{year}": "city-wide yearly snapshot (bureau and viewers: tests/test_api_writes.py)",
    "/enterprises/{enterprise_id}/figures/{year}": "the figures form of a scoped enterprise (same guard as edit)",
    "/imports/{batch_id}": "an import batch belongs to the user who uploaded it (tests/test_registry_web.py)",
    "/lang/{lang}": "language switch",
    "/projects-import/{kind}.xlsx": "an empty template",
    "/targets-import/{kind}.xlsx": "an empty template",
    "/demands-import/{kind}.xlsx": "an empty template, or the demands the caller sees (the hall's scope)",
    "/capabilities-import/{kind}.xlsx": "an empty template, or the directory (the bureau only)",
    "/carriers-import/{kind}.xlsx": "an empty template, or the carriers the caller sees (the list's scope)",
    "/talent-import/{kind}.xlsx": "an empty template, or the people the caller may name (its own area)",
    "/maps/{kind}.xlsx": "a map's export: the same scoped view as the map page (tests/test_maps_web.py)",
    "/templates/{dataset_name}.xlsx": "an empty template",
    "/targets/figures/{figure_id}": "redirects to the region page, which is in RESOURCES",
    # challenges are the city's: drafts for the bureau, published ones for every role; a bid for the
    # bureau, its bidder and its assigned reviewers (tests/test_challenges_web.py, by every role)
    "/challenges/{challenge_id}": "a draft for the bureau, a published challenge for every role",
    "/challenges/{challenge_id}/edit": "the bureau's form for a draft",
    "/challenges/{challenge_id}/bid": "the bid form of a published challenge",
    "/bids/{bid_id}": "the bureau, the bidder and the bid's assigned reviewers",
    "/bids/{bid_id}/files/{file_id}": "a bid's file, for those who may open the bid",
    "/api/v1/challenges/{challenge_id}": "a draft for the bureau, a published challenge for every role",
    "/api/v1/challenges/{challenge_id}/bids": "all for the bureau; own and assigned bids for others",
    "/api/v1/challenges/{challenge_id}/reviews": "all for the bureau; a reviewer's own",
}
USERS = {
    "admin": ("boss", "admin"),
    "viewer": ("view", "viewer"),
    "district": ("hj", "district"),
    "expert": ("exp", "expert"),
}


@pytest.fixture
def city(factory, made):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_city(s, n=300, seed=11, last_year=TODAY.year - 1)
        s.info["actor"] = SYSTEM
        load_file(s, actor=SYSTEM)
        demo_links(s, start_year=TODAY.year - 3)
        demo_projects(s, today=TODAY)
        demo_documents(s)
        demo_carriers(s, today=TODAY)
        for region in (HANJIANG, GUANGLING):
            ent = s.scalar(select(Enterprise.id).where(Enterprise.region_code == region).limit(1))
            values = DemandValues(
                ent,
                "保密需求：电池热扩散",
                "储能舱电芯热失控后蔓延太快，需隔热阻燃方案。",
                confidentiality="bureau",
            )
            post_demand(s, actor=SYSTEM, values=values, today=TODAY)
    made.user("boss", "admin")
    made.user("view", "viewer")
    made.user("hj", "district", region_code=HANJIANG)
    made.user("exp", "expert")
    with factory() as s:
        picks = {}
        for model in (Enterprise, Project, Document, Demand, Carrier):
            outside = "321000" if model is Document else GUANGLING  # the demo's other document is the city's
            for label, region in (("in", HANJIANG), ("out", outside)):
                picks[(model, label)] = s.scalar(
                    select(model.id).where(model.region_code == region).order_by(model.id).limit(1)  # type: ignore[attr-defined]
                )
    return picks


def _target(resource: Resource, city, where: str) -> str:  # type: ignore[no-untyped-def]
    if resource.path.startswith(("/targets/region/", "/api/v1/targets/regions/")):
        return resource.path.format(id=HANJIANG if where == "in" else GUANGLING)
    ident = city[(resource.model, where)]
    if ident is None:
        pytest.skip(f"the demo city has no {resource.model.__name__} in {where}")
    return resource.path.format(id=ident)


@pytest.mark.parametrize("role", sorted(USERS))
def test_every_scoped_resource_by_every_role(city, client, role: str) -> None:  # type: ignore[no-untyped-def]
    login(client, USERS[role][0])
    wrong = []
    for resource in RESOURCES:
        for where in ("in", "out"):
            path = _target(resource, city, where)
            code = client.get(path).status_code
            may_open = role in resource.roles
            visible = may_open and (role != "district" or where == "in")
            if visible != (code == 200) or code >= 500:
                wrong.append(f"{path} ({where}): {code}, expected {'200' if visible else '403/404'}")
    assert wrong == []


def test_every_parametrised_get_route_is_in_the_table_or_explained(app) -> None:  # type: ignore[no-untyped-def]
    from tests.test_get_reads import _routes

    covered = {re.sub(r"\{[^}]+\}", "{id}", r.path) for r in RESOURCES}
    missing = [
        path
        for path, methods in _routes(app.routes)
        if "GET" in methods
        and "{" in path
        and path not in UNSCOPED
        and re.sub(r"\{[^}]+\}", "{id}", path) not in covered
    ]
    assert sorted(missing) == [], "add these to RESOURCES (or to UNSCOPED with the reason)"
