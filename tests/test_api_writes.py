"""The API's writes beyond the registry: workbooks (projects, targets, links, atlas, methodology) with a
dry run, project light overrides, titles, users, jobs, atlas links and snapshots — each through the
page's service, scoped as the page, audited; on both databases."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from kechuang.auth.models import AuditEntry
from kechuang.auth.scope import SYSTEM
from kechuang.chains.demo import demo_links
from kechuang.chains.models import NodeLink
from kechuang.chains.service import load_file
from kechuang.db import transaction
from kechuang.demo.city import load_city
from kechuang.enterprises.models import Enterprise, Title
from kechuang.projects.demo import demo_projects
from kechuang.projects.models import Project
from tests.conftest import bearer

TODAY = date.today()
HANJIANG, GUANGLING = "321003", "321002"


@pytest.fixture
def city(factory, made):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        load_city(s, n=200, seed=4, last_year=TODAY.year - 1)
        s.info["actor"] = SYSTEM
        load_file(s, actor=SYSTEM)
        demo_links(s, start_year=TODAY.year - 3)
        demo_projects(s, today=TODAY)
    made.user("boss", "admin")
    made.user("view", "viewer")
    made.user("hj", "district", region_code=HANJIANG)


@pytest.fixture
def heads(city, client):  # type: ignore[no-untyped-def]
    return {name: bearer(client, name) for name in ("boss", "view", "hj")}


def _first(factory, model, region: str) -> int:  # type: ignore[no-untyped-def]
    with factory() as s:
        return s.scalar(select(model.id).where(model.region_code == region).order_by(model.id).limit(1))


def _audits(factory, entity: str) -> int:  # type: ignore[no-untyped-def]
    with factory() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == entity)) or 0


def _renamed(content: bytes, sheet: str, header: str, value: str) -> bytes:
    """The workbook with the first data row's ``header`` cell on ``sheet`` set to ``value``."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    ws = book[sheet]
    col = next(c.column for c in ws[1] if str(c.value or "").startswith(header))
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value and ws.cell(r, col).value)
    ws.cell(row, col).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, heads, name: str, content: bytes, dry_run: bool = False, filename: str = "book.xlsx"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/workbooks/{name}",
        params={"dry_run": str(dry_run).lower()},
        files={"file": (filename, content)},
        headers=heads,
    )


def test_projects_workbook_dry_run_counts_and_writes_nothing_then_imports(client, heads, factory) -> None:  # type: ignore[no-untyped-def]
    got = client.get("/api/v1/workbooks/projects.xlsx", headers=heads["hj"])
    assert got.status_code == 200 and got.content[:2] == b"PK"
    same = _upload(client, heads["hj"], "projects", got.content)
    assert same.status_code == 200, same.text
    assert same.json()["created"] == 0 and same.json()["updated"] == 0 and same.json()["unchanged"] > 0
    changed = _renamed(got.content, "项目", "项目名称", "接口改名的项目")
    dry = _upload(client, heads["hj"], "projects", changed, dry_run=True)
    assert dry.status_code == 200 and dry.json()["dry_run"] is True and dry.json()["updated"] == 1
    with factory() as s:
        assert (
            s.scalar(select(func.count()).select_from(Project).where(Project.name == "接口改名的项目")) == 0
        )
    done = _upload(client, heads["hj"], "projects", changed)
    assert done.status_code == 200 and done.json()["updated"] == 1 and done.json()["dry_run"] is False
    with factory() as s:
        moved = s.scalar(select(Project).where(Project.name == "接口改名的项目"))
        assert moved is not None and moved.region_code == HANJIANG


def test_workbook_problems_answer_422_with_every_problem_and_write_nothing(client, heads, factory) -> None:  # type: ignore[no-untyped-def]
    got = client.get("/api/v1/workbooks/projects.xlsx", headers=heads["boss"])
    bad = _renamed(got.content, "项目", "开始日期", "明年春天")
    before = _audits(factory, "projects")
    resp = _upload(client, heads["boss"], "projects", bad, filename="坏项目.xlsx")
    assert resp.status_code == 422
    body = resp.json()
    assert body["detail"] and body["problems"], body
    assert any("明年春天" in (p["message"] + str(p.get("value"))) for p in body["problems"])
    assert _audits(factory, "projects") == before
    missing = client.post("/api/v1/workbooks/projects", headers=heads["boss"])
    assert missing.status_code == 422 and missing.json()["problems"][0]["field"] == "file"


def test_workbook_templates_permissions_and_the_other_workbooks(client, heads) -> None:  # type: ignore[no-untyped-def]
    template = client.get(
        "/api/v1/workbooks/targets.xlsx", params={"template": "true"}, headers=heads["boss"]
    )
    assert template.status_code == 200 and template.content[:2] == b"PK"
    atlas = client.get("/api/v1/workbooks/atlas.xlsx", headers=heads["boss"])
    assert atlas.status_code == 200 and atlas.content[:2] == b"PK"  # no empty template: the atlas itself
    assert client.get("/api/v1/workbooks/projects.xlsx", headers=heads["view"]).status_code == 403
    assert client.get("/api/v1/workbooks/atlas.xlsx", headers=heads["view"]).status_code == 200
    refused = _upload(client, heads["hj"], "atlas", b"PK")
    assert refused.status_code == 403 and refused.json()["detail"]
    for name in ("targets", "links", "atlas"):  # what downloads imports back unchanged
        data = client.get(f"/api/v1/workbooks/{name}.xlsx", headers=heads["boss"]).content
        again = _upload(client, heads["boss"], name, data, dry_run=True)
        assert again.status_code == 200, (name, again.text)
        assert again.json()["created"] == 0 and again.json()["updated"] == 0, (name, again.json())
    methodology = client.get("/api/v1/workbooks/methodology.xlsx", headers=heads["boss"]).content
    dry = _upload(client, heads["boss"], "methodology", methodology, dry_run=True)
    assert dry.status_code == 200 and dry.json()["version"], dry.text
    assert _upload(client, heads["boss"], "methodology", methodology).status_code == 200
    taken = _upload(client, heads["boss"], "methodology", methodology)
    assert taken.status_code == 422  # that version is stored now: a change needs a new version


def test_project_override_set_and_revoked_through_the_api(client, heads, factory) -> None:  # type: ignore[no-untyped-def]
    pid = _first(factory, Project, HANJIANG)
    body = {
        "light": "red",
        "note": "承担单位资金链断裂",
        "expires_on": (TODAY + timedelta(days=30)).isoformat(),
    }
    before = _audits(factory, "project_overrides")
    resp = client.put(f"/api/v1/projects/{pid}/override", json=body, headers=heads["hj"])
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"]["light"] == "red" and resp.json()["status"]["overridden"] is True
    assert _audits(factory, "project_overrides") > before
    bad = client.put(
        f"/api/v1/projects/{pid}/override",
        json={**body, "expires_on": (TODAY + timedelta(days=400)).isoformat()},
        headers=heads["hj"],
    )
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "expires_on"
    grey = client.put(f"/api/v1/projects/{pid}/override", json={**body, "light": "grey"}, headers=heads["hj"])
    assert grey.status_code == 422 and grey.json()["problems"][0]["field"] == "light"
    other = _first(factory, Project, GUANGLING)
    assert client.put(f"/api/v1/projects/{other}/override", json=body, headers=heads["hj"]).status_code == 404
    assert client.put(f"/api/v1/projects/{pid}/override", json=body, headers=heads["view"]).status_code == 403
    revoked = client.delete(f"/api/v1/projects/{pid}/override", headers=heads["hj"])
    assert revoked.status_code == 200 and revoked.json()["status"]["overridden"] is False


def test_titles_recorded_corrected_and_removed(client, heads, factory) -> None:  # type: ignore[no-untyped-def]
    eid = _first(factory, Enterprise, HANJIANG)
    path = f"/api/v1/enterprises/{eid}/titles/gazelle/{TODAY.year - 1}"
    made = client.put(
        path, json={"level": "municipal", "document": "扬州市瞪羚企业名单"}, headers=heads["hj"]
    )
    assert made.status_code == 200, made.text
    assert made.json()["level"] == "municipal" and made.json()["source"] == "user:hj"
    fixed = client.put(
        path, json={"level": "provincial", "valid_until": f"{TODAY.year + 2}-12-31"}, headers=heads["hj"]
    )
    assert fixed.status_code == 200 and fixed.json()["level"] == "provincial"
    detail = client.get(f"/api/v1/enterprises/{eid}", headers=heads["hj"]).json()
    assert any(t["type"] == "gazelle" and t["level"] == "provincial" for t in detail["titles"])
    with factory() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(Title)
                .where(Title.enterprise_id == eid, Title.type == "gazelle")
            )
            == 1
        )
    bad = client.put(path, json={"level": "galactic", "valid_until": "2026-02-30"}, headers=heads["hj"])
    assert bad.status_code == 422 and {p["field"] for p in bad.json()["problems"]} == {"level", "valid_until"}
    other = _first(factory, Enterprise, GUANGLING)
    outside = f"/api/v1/enterprises/{other}/titles/gazelle/{TODAY.year - 1}"
    assert client.put(outside, json={"level": "municipal"}, headers=heads["hj"]).status_code == 404
    assert client.put(path, json={"level": "municipal"}, headers=heads["view"]).status_code == 403
    assert client.delete(path, headers=heads["hj"]).status_code == 204
    assert client.delete(path, headers=heads["hj"]).status_code == 404
    assert _audits(factory, "enterprise_titles") >= 3


def test_users_deactivated_and_reset_by_the_administrator_only(client, heads) -> None:  # type: ignore[no-untyped-def]
    off = client.patch("/api/v1/users/view", json={"is_active": False}, headers=heads["boss"])
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert client.get("/api/v1/me", headers=heads["view"]).status_code == 401  # its token ended
    assert client.patch("/api/v1/users/view", json={"is_active": True}, headers=heads["hj"]).status_code in (
        403,
        404,
    )
    short = client.patch("/api/v1/users/view", json={"password": "x"}, headers=heads["boss"])
    assert short.status_code == 422 and short.json()["problems"][0]["field"] == "password"
    assert (
        client.patch("/api/v1/users/nobody", json={"is_active": True}, headers=heads["boss"]).status_code
        == 404
    )
    myself = client.patch("/api/v1/users/boss", json={"is_active": False}, headers=heads["boss"])
    assert myself.status_code == 409 and myself.json()["problems"][0]["field"] == "is_active"


def test_jobs_listed_and_run_by_the_bureau(client, heads) -> None:  # type: ignore[no-untyped-def]
    listed = client.get("/api/v1/jobs", headers=heads["boss"])
    assert listed.status_code == 200 and {j["name"] for j in listed.json()["items"]} >= {"ladder_refresh"}
    ran = client.post("/api/v1/jobs/ladder_refresh/run", headers=heads["boss"])
    assert ran.status_code == 200 and ran.json()["status"] == "ok", ran.text
    runs = client.get("/api/v1/jobs", headers=heads["boss"]).json()["runs"]
    assert runs and runs[0]["name"] == "ladder_refresh"
    assert client.post("/api/v1/jobs/no_such_job/run", headers=heads["boss"]).status_code == 404
    assert client.get("/api/v1/jobs", headers=heads["hj"]).status_code == 403
    assert client.post("/api/v1/jobs/ladder_refresh/run", headers=heads["hj"]).status_code == 403


def test_atlas_links_scoped_and_snapshots_kept(client, heads, factory) -> None:  # type: ignore[no-untyped-def]
    mine = client.get("/api/v1/atlas/links", params={"page_size": 500}, headers=heads["hj"]).json()
    assert mine["total"] > 0 and all(i["region_code"].startswith(HANJIANG) for i in mine["items"])
    everyone = client.get("/api/v1/atlas/links", headers=heads["boss"]).json()
    with factory() as s:
        stored = s.scalar(select(func.count()).select_from(NodeLink).where(NodeLink.kind == "enterprise"))
    assert everyone["total"] == stored > mine["total"]
    one = mine["items"][0]
    chain = client.get("/api/v1/atlas/links", params={"chain": one["chain"]}, headers=heads["hj"]).json()
    assert chain["items"] and {i["chain"] for i in chain["items"]} == {one["chain"]}
    by_ent = client.get(
        "/api/v1/atlas/links", params={"enterprise_id": one["enterprise"]["id"]}, headers=heads["hj"]
    ).json()
    assert {i["enterprise"]["id"] for i in by_ent["items"]} == {one["enterprise"]["id"]}
    taken = client.post("/api/v1/atlas/snapshots", json={"year": TODAY.year}, headers=heads["boss"])
    assert taken.status_code == 201 and taken.json()["year"] == TODAY.year
    assert [s["year"] for s in client.get("/api/v1/atlas/snapshots", headers=heads["view"]).json()] == [
        TODAY.year
    ]
    snap = client.get(f"/api/v1/atlas/snapshots/{TODAY.year}", headers=heads["view"])
    assert snap.status_code == 200 and snap.json()["content"]
    assert client.get(f"/api/v1/atlas/snapshots/{TODAY.year - 1}", headers=heads["view"]).status_code == 404
    assert client.get("/api/v1/atlas/snapshots", headers=heads["hj"]).status_code == 403
    assert (
        client.post("/api/v1/atlas/snapshots", json={"year": TODAY.year}, headers=heads["hj"]).status_code
        == 403
    )
    assert (
        client.post("/api/v1/atlas/snapshots", json={"year": "2026"}, headers=heads["boss"]).status_code
        == 422
    )
