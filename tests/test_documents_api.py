"""The document API, on both databases: upload → detail → accept (the figure with its provenance, audited)
→ reject → link an organisation; every bad input a 422 naming its fields; scoped like the pages."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import func, select

from kechuang.auth.models import AuditEntry
from kechuang.db import transaction
from kechuang.documents.models import ExtractedFact
from kechuang.enterprises.models import Enterprise
from kechuang.indicators.models import Figure
from kechuang.indicators.service import ensure_indicators
from kechuang.web.api_common import MAX_ID
from tests.conftest import bearer

PAGE = """首页 > 新闻中心 > 区县动态
邗江区科技创新工作取得新成效
发布时间：2026-11-20　来源：邗江区科技局　【字体：大 中 小】　分享到：
今年1-10月，全区规上工业企业研发投入达45.6亿元，同比增长12.3%。截至10月底，全区有效高新技术企业达到486家，较去年净增52家。扬州星澜精密机械有限公司新获批省级工程技术研究中心。
下一步，我区将力争全年技术合同成交额突破30亿元。
相关文章：
· 邗江区召开科技工作会议
版权所有：邗江区人民政府 苏ICP备00000000号
"""
GAOYOU = """高邮市科技工作简报
今年1-9月，全市有效高新技术企业达到120家。扬州高邮测试机械有限公司入选省级专精特新企业。
"""
DOCS = "/api/v1/documents"


@pytest.fixture
def api(factory, made, client):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        ensure_indicators(s)
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    made.user("gy", "district", region_code="321084")
    made.user("view", "viewer")
    ents = {
        "hj": made.enterprise("扬州星澜精密机械有限公司", "321003"),
        "gy": made.enterprise("扬州高邮测试机械有限公司", "321084"),
    }
    heads = {u: bearer(client, u) for u in ("boss", "hj", "gy", "view")}
    return client, heads, ents


def _upload(client, headers, text=PAGE, name="邗江动态.txt", **data):  # type: ignore[no-untyped-def]
    return client.post(DOCS, headers=headers, data=data, files={"file": (name, text.encode(), "text/plain")})


def _fields(resp) -> list[str]:  # type: ignore[no-untyped-def]
    body = resp.json()
    assert resp.status_code == 422, resp.text
    assert isinstance(body["detail"], str) and body["detail"]
    return sorted(p["field"] for p in body["problems"])


def _fact(doc: dict[str, Any], words: str) -> dict[str, Any]:
    return next(f for f in doc["facts"] if words in f["text"])


def _accept_body(fact: dict[str, Any], **override: Any) -> dict[str, Any]:
    s = fact["suggestion"]
    body = {k: s[k] for k in ("indicator", "region_code", "year", "month", "value")}
    return {**body, **override}


def test_upload_detail_accept_reject_and_link(api, factory) -> None:  # type: ignore[no-untyped-def]
    client, heads, ents = api
    hj = heads["hj"]
    up = _upload(client, hj, region_code="321003", published_on="2026-11-20")
    assert up.status_code == 201, up.text
    doc = up.json()
    assert doc["title"] == "邗江区科技创新工作取得新成效" and doc["region_code"] == "321003"
    assert doc["published_on"] == "2026-11-20" and doc["uploaded_by"] == "hj"
    assert doc["text"][doc["body_start"] :].startswith("今年1-10月")
    assert "相关文章" not in doc["text"][doc["body_start"] : doc["body_end"]]
    assert doc["counts"]["pending"] == len(doc["facts"]) > 0
    detail = client.get(f"{DOCS}/{doc['id']}", headers=hj)
    assert detail.status_code == 200 and detail.json() == doc

    # the review form's suggestions, as the page shows them
    hnte, rd = _fact(doc, "486"), _fact(doc, "45.6")
    assert doc["text"][hnte["start"] : hnte["end"]] == hnte["text"]
    assert hnte["suggestion"] == {
        "indicator": "hnte_count",
        "region_code": "321003",
        "year": 2026,
        "month": 10,
        "value": 486,
    }
    assert rd["value"] == pytest.approx(4.56e9) and rd["period"] == "2026-01..2026-10"
    assert rd["suggestion"]["indicator"] == "rd_spending"
    assert rd["suggestion"]["value"] == pytest.approx(456000)  # 元 → 万元

    ok = client.post(f"{DOCS}/facts/{hnte['id']}/accept", headers=hj, json=_accept_body(hnte))
    assert ok.status_code == 200, ok.text
    accepted = ok.json()
    assert accepted["status"] == "accepted" and accepted["reviewed_by"] == "hj"
    figure = accepted["figure"]
    assert figure["id"] == accepted["figure_id"]
    assert (figure["indicator"], figure["region_code"], figure["year"], figure["month"]) == (
        "hnte_count",
        "321003",
        2026,
        10,
    )
    assert figure["value"] == 486 and figure["source"].startswith("资讯：邗江动态.txt")
    # a cumulative indicator's year-to-date total (the reviewer's value, in 万元)
    rd_ok = client.post(f"{DOCS}/facts/{rd['id']}/accept", headers=hj, json=_accept_body(rd, value=456000))
    assert rd_ok.status_code == 200 and rd_ok.json()["figure"]["value"] == pytest.approx(456000)
    with transaction(factory) as s:
        fig = s.get(Figure, figure["id"])
        assert (fig.document_id, fig.span_start, fig.span_end) == (doc["id"], hnte["start"], hnte["end"])
        audit = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "indicator_figures", AuditEntry.action == "create")
        ).all()
        assert {a.after["id"] for a in audit} == {figure["id"], rd_ok.json()["figure_id"]}
        assert {a.after["document_id"] for a in audit} == {doc["id"]}
        assert {a.actor_username for a in audit} == {"hj"}
        assert s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "extracted_facts")
        )
    again = client.post(f"{DOCS}/facts/{hnte['id']}/accept", headers=hj, json=_accept_body(hnte))
    assert _fields(again) == ["status"]

    other = next(f for f in doc["facts"] if f["id"] not in (hnte["id"], rd["id"]))
    rejected = client.post(f"{DOCS}/facts/{other['id']}/reject", headers=hj)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["figure"] is None
    listed = client.get(DOCS, headers=hj).json()
    assert listed["total"] == 1 and listed["page"] == 1 and listed["page_size"] == 50
    assert listed["items"][0]["counts"] == {
        "pending": len(doc["facts"]) - 3,
        "accepted": 2,
        "rejected": 1,
    }
    assert "text" not in listed["items"][0]
    only = client.get(f"{DOCS}/{doc['id']}", headers=hj, params={"status": "accepted"}).json()
    assert {f["id"] for f in only["facts"]} == {hnte["id"], rd["id"]}
    assert only["counts"] == listed["items"][0]["counts"]

    # the organisation: candidates are the caller's registry enterprises; link, then unlink
    org = next(o for o in doc["orgs"] if o["name"] == "扬州星澜精密机械有限公司")
    assert org["type"] == "enterprise" and ents["hj"] in [c["id"] for c in org["candidates"]]
    linked = client.put(f"{DOCS}/orgs/{org['id']}", headers=hj, json={"enterprise_id": ents["hj"]})
    assert linked.status_code == 200, linked.text
    assert linked.json()["status"] == "linked" and linked.json()["enterprise_id"] == ents["hj"]
    assert linked.json()["candidates"] == []
    away = client.put(f"{DOCS}/orgs/{org['id']}", headers=hj, json={"enterprise_id": ents["gy"]})
    assert _fields(away) == ["enterprise_id"]
    none = client.put(f"{DOCS}/orgs/{org['id']}", headers=hj, json={"enterprise_id": None})
    assert none.status_code == 200 and none.json()["status"] == "ignored"
    assert none.json()["enterprise_id"] is None


def test_an_organisation_learns_its_alias(api, factory) -> None:  # type: ignore[no-untyped-def]
    client, heads, ents = api
    text = PAGE.replace("扬州星澜精密机械有限公司", "星澜精机有限公司")
    doc = _upload(client, heads["hj"], text=text, region_code="321003").json()
    org = next(o for o in doc["orgs"] if o["name"] == "星澜精机有限公司")
    assert org["enterprise_id"] is None
    resp = client.put(f"{DOCS}/orgs/{org['id']}", headers=heads["hj"], json={"enterprise_id": ents["hj"]})
    assert resp.status_code == 200, resp.text
    with factory() as s:
        assert "星澜精机有限公司" in s.get(Enterprise, ents["hj"]).aliases.split("|")


def test_bad_inputs_are_422_naming_the_fields(api, factory) -> None:  # type: ignore[no-untyped-def]
    client, heads, _ = api
    hj = heads["hj"]
    missing = client.post(DOCS, headers=hj, data={"region_code": "321003"})
    assert _fields(missing) == ["file"]
    for day in ("2026-02-30", "2026/01/01", "20260101", "1989-12-31", "2999-01-01"):
        assert _fields(_upload(client, hj, region_code="321003", published_on=day)) == ["published_on"], day
    assert _fields(_upload(client, hj, name="x.pdf", region_code="321003")) == ["file"]
    assert _fields(_upload(client, hj, text="", region_code="321003")) == ["file"]
    assert _fields(_upload(client, hj, region_code="999999")) == ["region_code"]
    assert _fields(_upload(client, hj, region_code="321084")) == ["region_code"]  # not hj's district
    assert _fields(_upload(client, hj, region_code="3" * 13)) == ["region_code"]
    assert _fields(_upload(client, hj, name="a" * 300 + ".txt", region_code="321003")) == ["file"]
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ExtractedFact)) == 0

    doc = _upload(client, hj, region_code="321003", published_on="2026-11-20").json()
    fact = _fact(doc, "486")
    url = f"{DOCS}/facts/{fact['id']}/accept"
    assert _fields(client.post(url, headers=hj, json={})) == [
        "indicator",
        "month",
        "region_code",
        "value",
        "year",
    ]
    bad = {"indicator": "no_such", "region_code": "32100x", "year": "2026", "month": 13, "value": 1e300}
    assert _fields(client.post(url, headers=hj, json=bad)) == [
        "indicator",
        "month",
        "region_code",
        "value",
        "year",
    ]
    body = _accept_body(fact)
    for field, value in (("value", True), ("value", "486"), ("year", 1999), ("year", 2101), ("month", 0)):
        assert _fields(client.post(url, headers=hj, json={**body, field: value})) == [field], (field, value)
    assert _fields(client.post(url, headers=hj, json={**body, "extra": 1})) == ["extra"]
    assert _fields(client.post(url, headers=hj, json={**body, "region_code": "321084"})) == ["region_code"]
    assert _fields(client.post(url, headers=hj, json={**body, "region_code": "999999"})) == ["region_code"]
    broken = client.post(url, headers={**hj, "Content-Type": "application/json"}, content=b"{nope")
    assert broken.status_code == 422
    for path in (f"{DOCS}/0", f"{DOCS}/{MAX_ID + 1}", f"{DOCS}/facts/0/reject", f"{DOCS}?page=0"):
        method = client.post if path.endswith("reject") else client.get
        assert method(path, headers=hj).status_code == 422, path
    assert client.get(f"{DOCS}/{MAX_ID}", headers=hj).status_code == 404
    assert client.put(f"{DOCS}/orgs/{MAX_ID}", headers=hj, json={"enterprise_id": None}).status_code == 404
    org = doc["orgs"][0]["id"]
    for value in (0, MAX_ID + 1, "12", True):
        link = client.put(f"{DOCS}/orgs/{org}", headers=hj, json={"enterprise_id": value})
        assert _fields(link) == ["enterprise_id"], value
    assert _fields(client.put(f"{DOCS}/orgs/{org}", headers=hj, json={})) == ["enterprise_id"]
    assert _fields(client.put(f"{DOCS}/orgs/{org}", headers=hj, json={"enterprise_id": MAX_ID})) == [
        "enterprise_id"
    ]
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Figure)) == 0


def test_html_and_docx_uploads(api) -> None:  # type: ignore[no-untyped-def]
    docx = pytest.importorskip("docx")
    client, heads, _ = api
    html = (
        "<html><head><title>x</title><style>p{}</style></head><body><div class='nav'>首页 &gt; 新闻</div>"
        + "".join(f"<p>{line}</p>" for line in PAGE.splitlines()[1:])
        + "<script>var a=1;</script></body></html>"
    )
    web = _upload(client, heads["hj"], text=html, name="a.html", region_code="321003")
    assert web.status_code == 201 and "var a=1" not in web.json()["text"] and len(web.json()["facts"]) >= 3
    word = docx.Document()
    for line in PAGE.splitlines()[1:6]:
        word.add_paragraph(line)
    buf = io.BytesIO()
    word.save(buf)
    files = {"file": ("b.docx", buf.getvalue(), "application/octet-stream")}
    done = client.post(DOCS, headers=heads["hj"], files=files)
    assert done.status_code == 201 and len(done.json()["facts"]) >= 3
    broken = client.post(DOCS, headers=heads["hj"], files={"file": ("c.docx", b"PK junk", "x/y")})
    assert _fields(broken) == ["file"]
    as_text = client.post(DOCS, headers=heads["hj"], data={"file": "not a file"})
    assert _fields(as_text) == ["file"]


def test_cookie_writes_need_the_csrf_header(api) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import login

    client, _, _ = api
    login(client, "hj")
    assert client.get(DOCS).status_code == 200
    refused = _upload(client, {}, region_code="321003")
    assert refused.status_code == 403
    token = client.cookies.get("kc_csrf")
    assert _upload(client, {"X-CSRF-Token": token}, region_code="321003").status_code == 201


def test_the_city_uploads_for_itself_by_default(api) -> None:  # type: ignore[no-untyped-def]
    client, heads, _ = api
    doc = _upload(client, heads["boss"])
    assert doc.status_code == 201 and doc.json()["region_code"] == "321000"
    assert _upload(client, heads["hj"]).json()["region_code"] == "321003"


def test_districts_see_and_review_only_their_own(api) -> None:  # type: ignore[no-untyped-def]
    client, heads, ents = api
    hj_doc = _upload(client, heads["hj"], region_code="321003").json()
    gy_doc = _upload(client, heads["boss"], text=GAOYOU, name="高邮.txt", region_code="321084").json()
    city = _upload(client, heads["boss"], name="全市.txt").json()
    assert gy_doc["facts"] and gy_doc["orgs"]

    def ids(user: str) -> set[int]:
        return {d["id"] for d in client.get(DOCS, headers=heads[user]).json()["items"]}

    assert ids("hj") == {hj_doc["id"]} and ids("gy") == {gy_doc["id"]}
    assert ids("boss") == ids("view") == {hj_doc["id"], gy_doc["id"], city["id"]}
    hj = heads["hj"]
    for other in (gy_doc, city):
        assert client.get(f"{DOCS}/{other['id']}", headers=hj).status_code == 404
    fact, org = gy_doc["facts"][0], gy_doc["orgs"][0]
    body = _accept_body(fact, region_code="321003", indicator="hnte_count", year=2026, month=9, value=1)
    assert client.post(f"{DOCS}/facts/{fact['id']}/accept", headers=hj, json=body).status_code == 404
    assert client.post(f"{DOCS}/facts/{fact['id']}/reject", headers=hj).status_code == 404
    link = client.put(f"{DOCS}/orgs/{org['id']}", headers=hj, json={"enterprise_id": ents["hj"]})
    assert link.status_code == 404
    assert client.get(f"{DOCS}/{gy_doc['id']}", headers=heads["gy"]).status_code == 200
    # the candidates offered are the caller's enterprises only
    seen = client.get(f"{DOCS}/{gy_doc['id']}", headers=heads["view"]).json()
    offered = {c["id"] for o in seen["orgs"] for c in o["candidates"]}
    assert ents["gy"] in offered

    # a viewer reads but may not write (403), whatever the target
    view = heads["view"]
    assert client.get(f"{DOCS}/{hj_doc['id']}", headers=view).status_code == 200
    hj_fact, hj_org = hj_doc["facts"][0], hj_doc["orgs"][0]
    refused = [
        _upload(client, view, region_code="321003"),
        client.post(
            f"{DOCS}/facts/{hj_fact['id']}/accept", headers=view, json=_accept_body(_fact(hj_doc, "486"))
        ),
        client.post(f"{DOCS}/facts/{hj_fact['id']}/reject", headers=view),
        client.put(f"{DOCS}/orgs/{hj_org['id']}", headers=view, json={"enterprise_id": None}),
    ]
    assert [r.status_code for r in refused] == [403] * 4
    assert all(set(r.json()) == {"detail"} for r in refused)
    assert client.get(f"{DOCS}/{hj_doc['id']}", headers=hj).json()["counts"]["accepted"] == 0
    assert client.get(DOCS).status_code == 401
