"""The atlas in the database: load and reload by code (all or nothing), JSON and Excel round trips with
every problem reported, scoped analysis, pages and API, snapshots and the audit log — on both databases."""

from __future__ import annotations

import copy
import io
import json
import re
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kechuang.auth.models import AuditEntry
from kechuang.auth.scope import SYSTEM, Actor, Role
from kechuang.chains import document, service
from kechuang.chains.models import AtlasSnapshot, ChainEdge, ChainNode, NodeItem, NodeLink
from kechuang.db import transaction
from kechuang.errors import Forbidden
from tests.conftest import bearer, login


def small_doc() -> dict[str, Any]:
    return {
        "atlas": "test",
        "version": "1",
        "name": "测试图谱",
        "source": "测试",
        "note": "",
        "clusters": [{"code": "energy", "name": "新能源", "name_en": "New energy", "aliases": []}],
        "chains": [
            {
                "code": "pv",
                "name": "晶硅光伏",
                "name_en": "PV",
                "cluster": "energy",
                "aliases": ["光伏"],
                "nodes": [
                    {
                        "code": "pv.silicon",
                        "name": "多晶硅",
                        "stage": "upstream",
                        "parent": None,
                        "industry_codes": ["C3825"],
                        "keywords": ["多晶硅"],
                        "items": [
                            {
                                "kind": "technology",
                                "name": "改良西门子法",
                                "chokepoint": False,
                                "supply": "domestic",
                            }
                        ],
                    },
                    {
                        "code": "pv.glass",
                        "name": "光伏玻璃",
                        "stage": "upstream",
                        "parent": None,
                        "industry_codes": [],
                        "keywords": [],
                        "items": [
                            {"kind": "material", "name": "POE粒子", "chokepoint": True, "supply": "imported"}
                        ],
                    },
                    {
                        "code": "pv.cell",
                        "name": "电池片",
                        "stage": "midstream",
                        "parent": None,
                        "industry_codes": [],
                        "keywords": [],
                        "items": [],
                    },
                    {
                        "code": "pv.topcon",
                        "name": "TOPCon电池",
                        "stage": "midstream",
                        "parent": "pv.cell",
                        "industry_codes": [],
                        "keywords": [],
                        "items": [],
                    },
                    {
                        "code": "pv.module",
                        "name": "组件",
                        "stage": "downstream",
                        "parent": None,
                        "industry_codes": [],
                        "keywords": [],
                        "items": [],
                    },
                ],
                "edges": [
                    {"from": "pv.silicon", "to": "pv.cell", "weight": 0.5},
                    {"from": "pv.cell", "to": "pv.module", "weight": 0.6},
                    {"from": "pv.glass", "to": "pv.module", "weight": 0.2},
                ],
            }
        ],
    }


def load(factory, doc: dict[str, Any]) -> service.LoadResult:  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        s.info["actor"] = SYSTEM
        return service.load_document(s, actor=SYSTEM, doc=doc, file="atlas.json")


def test_load_reload_update_and_remove_by_code(factory) -> None:  # type: ignore[no-untyped-def]
    first = load(factory, small_doc())
    assert first.created == 1 + 1 + 5 + 3 + 2 and first.updated == first.deleted == 0
    again = load(factory, small_doc())
    assert again.created == again.updated == again.deleted == 0 and again.unchanged == first.created
    doc = small_doc()
    doc["chains"][0]["nodes"][0]["name"] = "高纯多晶硅"
    doc["chains"][0]["edges"][0]["weight"] = 0.7
    del doc["chains"][0]["nodes"][1]  # 光伏玻璃, its item and its edge go too
    doc["chains"][0]["edges"] = doc["chains"][0]["edges"][:2]
    changed = load(factory, doc)
    assert changed.updated == 2 and changed.deleted == 3 and changed.created == 0
    with transaction(factory) as s:
        assert s.scalar(select(ChainNode.name).where(ChainNode.code == "pv.silicon")) == "高纯多晶硅"
        assert s.scalar(select(func.count()).select_from(ChainNode)) == 4
        assert s.scalar(select(func.count()).select_from(ChainEdge)) == 2
        assert s.scalar(select(func.count()).select_from(NodeItem)) == 1
        topcon = s.scalar(select(ChainNode).where(ChainNode.code == "pv.topcon"))
        cell = s.scalar(select(ChainNode).where(ChainNode.code == "pv.cell"))
        assert topcon.parent_id == cell.id
        assert (
            s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "atlas_nodes"))
            >= 6
        )
    assert service.export_document(factory())["chains"][0]["nodes"][0]["name"] == "高纯多晶硅"


def test_a_linked_node_cannot_silently_disappear(factory, made) -> None:  # type: ignore[no-untyped-def]
    load(factory, small_doc())
    ent = made.enterprise("甲光伏公司", "321003")
    with transaction(factory) as s:
        node = s.scalar(select(ChainNode).where(ChainNode.code == "pv.module"))
        s.add(NodeLink(node_id=node.id, kind="enterprise", enterprise_id=ent, region_code="321003"))
    doc = small_doc()
    doc["chains"][0]["nodes"] = [n for n in doc["chains"][0]["nodes"] if n["code"] != "pv.module"]
    doc["chains"][0]["edges"] = [e for e in doc["chains"][0]["edges"] if e["to"] != "pv.module"]
    doc["chains"][0]["nodes"][0]["name"] = "改名"
    with pytest.raises(document.AtlasError) as err:
        load(factory, doc)
    assert "pv.module（组件）不在新文件中，但仍有 1 条" in err.value.problems[0].message
    with transaction(factory) as s:  # nothing written
        assert s.scalar(select(ChainNode.name).where(ChainNode.code == "pv.silicon")) == "多晶硅"


def test_every_problem_of_a_json_document_at_once() -> None:
    doc = small_doc()
    chain = doc["chains"][0]
    chain["cluster"] = "nowhere"
    chain["nodes"][0]["stage"] = "upper"
    chain["nodes"][1]["items"][0]["supply"] = "local"  # a chokepoint cannot be local
    chain["nodes"][2]["code"] = "pv.silicon"  # duplicate
    chain["nodes"][3]["parent"] = "pv.module"  # another stage
    chain["edges"].append({"from": "pv.module", "to": "pv.glass", "weight": 1.5})  # cycle, weight
    with pytest.raises(document.AtlasError) as err:
        document.from_json(json.dumps(doc, ensure_ascii=False).encode(), "图谱.json")
    text = "\n".join(p.message for p in err.value.problems)
    assert "图谱.json chains[0]（pv）「cluster」：值“nowhere”，应为已定义的集群编号（energy）" in text
    assert "chains[0].nodes[0]（pv.silicon）「stage」：值“upper”" in text
    assert "chains[0].nodes[1].items[0]「supply」：值“local”" in text
    assert "「code」：值“pv.silicon”，应为不重复的节点编号" in text
    assert "「parent」：值“pv.module”，应为同一环节" in text
    assert "「weight」：值“1.5”" in text
    assert "无环的供应关系" in text
    with pytest.raises(document.AtlasError) as err:
        document.from_json(b"{not json", "x.json")
    assert "x.json：不是有效的 UTF-8 JSON" in err.value.problems[0].message


def test_excel_round_trip_and_every_problem_named_by_sheet_row_and_header(factory) -> None:  # type: ignore[no-untyped-def]
    load(factory, small_doc())
    exported = document.to_xlsx(service.export_document(factory()))
    again = load(factory, document.from_xlsx(exported, "图谱.xlsx"))
    assert again.created == again.updated == again.deleted == 0
    assert (
        document.from_json(document.to_json(service.export_document(factory())), "a.json")["chains"][0][
            "code"
        ]
        == "pv"
    )
    book = load_workbook(io.BytesIO(exported))
    book["节点"].cell(row=2, column=5, value="上上游")
    book["关键环节"].cell(row=3, column=4, value="也许")
    book["供应关系"].cell(row=2, column=3, value="pv.nothing")
    book["节点"].cell(row=4, column=2, value="wind")
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(document.AtlasError) as err:
        document.from_xlsx(buf.getvalue(), "图谱.xlsx")
    text = "\n".join(p.message for p in err.value.problems)
    assert "图谱.xlsx 工作表“节点”第 4 行「产业链编号」：值“wind”" in text
    assert "图谱.xlsx 工作表“节点”第 2 行「环节」：值“上上游”" in text
    assert "工作表“关键环节”第 3 行「卡脖子」：值“也许”，应为是或否" in text
    assert "工作表“供应关系”第 2 行「需求节点编号」：值“pv.nothing”" in text
    assert all(p.row for p in err.value.problems)


def _with_links(factory, made) -> dict[str, int]:  # type: ignore[no-untyped-def]
    load(factory, small_doc())
    ids = {
        "hj": made.enterprise("邗江光伏组件公司", "321003"),
        "gy": made.enterprise("高邮硅材料公司", "321084"),
    }
    with transaction(factory) as s:
        node = {n.code: n.id for n in s.scalars(select(ChainNode))}
        s.add(
            NodeLink(
                node_id=node["pv.module"],
                kind="enterprise",
                enterprise_id=ids["hj"],
                region_code="321003",
                role="leader",
                main_product="组件",
            )
        )
        s.add(
            NodeLink(
                node_id=node["pv.silicon"], kind="enterprise", enterprise_id=ids["gy"], region_code="321084"
            )
        )
        item = s.scalar(select(NodeItem.id).where(NodeItem.name == "POE粒子"))
        s.add(
            NodeLink(
                node_id=node["pv.glass"], kind="project", name="POE攻关", item_id=item, region_code="321084"
            )
        )
    return ids


def test_analysis_is_scoped_to_the_actor_and_region(factory, made) -> None:  # type: ignore[no-untyped-def]
    _with_links(factory, made)
    hanjiang = Actor(
        user_id=1,
        username="hj",
        role=Role.district,
        region_code="321003",
        region_codes=frozenset({"321003", "321071", "321091", "321092"}),
    )
    with transaction(factory) as s:
        city = service.analyse(s, actor=SYSTEM).chains.row(0, named=True)
        assert city["enterprises"] == 2 and city["coverage"] == pytest.approx(2 / 4)
        mine = service.analyse(s, actor=hanjiang)
        assert mine.chains.row(0, named=True)["enterprises"] == 1
        assert mine.chokepoints.row(0, named=True)["open"] is True  # the project is in 高邮, not visible
        gaoyou = service.analyse(s, actor=SYSTEM, region_code="321084").chains.row(0, named=True)
        assert gaoyou["enterprises"] == 1
        with pytest.raises(Forbidden):
            service.analyse(s, actor=hanjiang, region_code="321084")
        with pytest.raises(Forbidden):
            service.analyse(s, actor=Actor(user_id=2, username="e", role=Role.enterprise, enterprise_id=1))


def test_pages_api_and_scope(factory, made, client) -> None:  # type: ignore[no-untyped-def]
    ids = _with_links(factory, made)
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    made.user("firm", "enterprise", enterprise_id=ids["hj"])
    login(client, "boss")
    page = client.get("/atlas")
    assert page.status_code == 200 and "晶硅光伏" in page.text and "新能源" in page.text
    chain = client.get("/atlas/chains/pv")
    assert chain.status_code == 200 and 'id="chain-graph"' in chain.text and "POE粒子" in chain.text
    with transaction(factory) as s:
        module = s.scalar(select(ChainNode.id).where(ChainNode.code == "pv.module"))
        silicon = s.scalar(select(ChainNode.id).where(ChainNode.code == "pv.silicon"))
    panel = client.get(f"/atlas/nodes/{module}", headers={"HX-Request": "true"})
    assert panel.status_code == 200 and "邗江光伏组件公司" in panel.text and "链主" in panel.text
    assert "<html" not in panel.text and "<html" in client.get(f"/atlas/nodes/{module}").text
    assert client.get("/atlas/compare").status_code == 200
    assert client.get("/atlas/compare.xlsx").status_code == 200
    gaps = client.get("/atlas/chains/pv/gaps.xlsx")
    assert gaps.status_code == 200 and gaps.content[:2] == b"PK"
    api = client.get("/api/v1/chains").json()
    assert api["items"][0]["id"] == "pv" and api["items"][0]["nodes"] == {
        "upstream": 2,
        "midstream": 1,
        "downstream": 1,
    }
    assert (
        api["items"][0]["coverage"] == pytest.approx(0.5) and api["items"][0]["cluster"]["name"] == "新能源"
    )
    analysis = client.get("/api/v1/chains/pv/analysis").json()
    assert api["items"][0]["strength_components"] == analysis["strength"]["components"]  # the comparison
    detail = client.get("/api/v1/chains/pv").json()
    assert {n["stage"] for n in detail["nodes"]} == {"upstream", "midstream", "downstream"}
    assert {"from": "pv.cell", "to": "pv.module", "weight": 0.6} in detail["edges"]
    analysis = client.get("/api/v1/chains/pv/analysis").json()
    assert analysis["coverage"] == pytest.approx(0.5)
    assert {g["node"] for g in analysis["gaps"] if g["level"] == "missing"} == {
        "pv.cell",
        "pv.topcon",
        "pv.glass",
    }
    assert [c["name"] for c in analysis["chokepoints"]] == ["POE粒子"] and analysis["chokepoints"][0][
        "open"
    ] is False
    assert client.get("/api/v1/chains/nope").status_code == 404
    client.cookies.clear()
    login(client, "hj")
    panel = client.get(f"/atlas/nodes/{silicon}", headers={"HX-Request": "true"})
    assert "高邮硅材料公司" not in panel.text
    assert client.get("/atlas?region=321084").status_code == 403
    assert client.get("/api/v1/chains/pv/analysis?region=321084").status_code == 403
    assert client.get("/api/v1/chains/pv/analysis").json()["enterprises"] == 1
    assert client.get("/atlas/manage").status_code == 403
    assert client.get("/atlas/snapshots/2026.json").status_code == 403
    client.cookies.clear()
    login(client, "firm")
    assert client.get("/atlas").status_code == 403
    assert client.get("/api/v1/chains", headers=bearer(client, "firm")).status_code == 403
    assert client.get("/api/v1/chains/pv", headers=bearer(client, "firm")).status_code == 200


def _csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    return found.group(1) if found else ""


def test_upload_and_snapshot_by_the_bureau_only(factory, made, client) -> None:  # type: ignore[no-untyped-def]
    made.user("boss", "admin")
    made.user("view", "viewer")
    login(client, "boss")
    assert "尚未载入产业链图谱" in client.get("/atlas").text
    bad = copy.deepcopy(small_doc())
    bad["chains"][0]["nodes"][0]["stage"] = "上上游"
    bad["chains"][0]["edges"][0]["weight"] = 0
    token = _csrf(client, "/atlas/manage")
    refused = client.post(
        "/atlas/upload",
        data={"csrf_token": token},
        files={"file": ("坏.json", json.dumps(bad, ensure_ascii=False).encode(), "application/json")},
    )
    assert refused.status_code == 422 and "2 处错误，图谱未更改" in refused.text and "坏.json" in refused.text
    with transaction(factory) as s:
        assert not service.has_atlas(s)
    ok = client.post(
        "/atlas/upload",
        data={"csrf_token": token},
        follow_redirects=False,
        files={"file": ("图谱.xlsx", document.to_xlsx(small_doc()), "application/octet-stream")},
    )
    assert ok.status_code == 303 and "atlas/manage?loaded=" in ok.headers["location"]
    assert "晶硅光伏" in client.get("/atlas").text
    assert (
        client.post(
            "/atlas/snapshots", data={"csrf_token": token, "year": "2025"}, follow_redirects=False
        ).status_code
        == 303
    )
    snap = client.get("/atlas/snapshots/2025.json").json()
    assert (
        snap["year"] == 2025
        and snap["chains"][0]["chain"] == "pv"
        and snap["atlas"]["chains"][0]["code"] == "pv"
    )
    assert client.post("/atlas/snapshots", data={"csrf_token": token, "year": "abc"}).status_code == 422
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(AtlasSnapshot)) == 1
        entities = set(s.scalars(select(AuditEntry.entity)))
        assert {"atlas", "atlas_snapshots", "atlas_nodes"} <= entities
    client.cookies.clear()
    login(client, "view")
    assert client.get("/atlas").status_code == 200
    assert client.get("/atlas/snapshots/2025.json").status_code == 200
    assert (
        client.post(
            "/atlas/upload",
            data={"csrf_token": _csrf(client, "/atlas")},
            files={"file": ("图谱.xlsx", document.to_xlsx(small_doc()), "x")},
        ).status_code
        == 403
    )


def test_the_profile_shows_the_enterprise_on_its_chain(factory, made, client) -> None:  # type: ignore[no-untyped-def]
    ids = _with_links(factory, made)
    made.user("boss", "admin")
    made.user("firm", "enterprise", enterprise_id=ids["hj"])
    login(client, "boss")
    page = client.get(f"/enterprises/{ids['hj']}")
    assert (
        page.status_code == 200
        and 'href="/atlas/chains/pv">晶硅光伏</a> › 组件' in page.text
        and "链主" in page.text
    )
    assert "尚未关联产业链节点" not in client.get(f"/enterprises/{ids['gy']}").text
    assert "尚未关联产业链节点" in client.get(f"/enterprises/{made.enterprise('无关公司', '321003')}").text
    client.cookies.clear()
    login(client, "firm")
    own = client.get(f"/enterprises/{ids['hj']}")
    assert (
        own.status_code == 200 and "晶硅光伏 › 组件" in own.text and 'href="/atlas/chains/pv"' not in own.text
    )


def _links_upload(client, content: bytes, name: str = "关联.xlsx"):  # type: ignore[no-untyped-def]
    return client.post(
        "/atlas/links",
        data={"csrf_token": _csrf(client, "/atlas/links")},
        follow_redirects=False,
        files={"file": (name, content, "application/octet-stream")},
    )


def test_enterprise_links_in_excel_scoped_and_all_or_nothing(factory, made, client) -> None:  # type: ignore[no-untyped-def]
    ids = _with_links(factory, made)
    extra = made.enterprise("邗江硅片公司", "321003")
    made.user("hj", "district", region_code="321003")
    made.user("boss", "admin")
    with transaction(factory) as s:
        from kechuang.enterprises.models import Enterprise

        usccs = {e.id: e.uscc for e in s.scalars(select(Enterprise))}
    login(client, "hj")
    exported = client.get("/atlas/links.xlsx")
    book = load_workbook(io.BytesIO(exported.content))
    sheet = book["企业关联"]
    assert sheet.max_row == 2 and sheet.cell(2, 1).value == usccs[ids["hj"]]  # only its own district's link
    assert book["节点清单"].max_row == 6
    unchanged = _links_upload(client, exported.content)
    assert unchanged.status_code == 303 and "未变 1" in client.get(unchanged.headers["location"]).text
    sheet.append([usccs[extra], "", "pv.silicon", "", "重点配套", "硅片", "60%", "2024-01-01", ""])
    sheet.append([usccs[ids["gy"]], "", "pv.cell", "", "成员", "", "", "", ""])  # another district's
    sheet.append(["91321003MA0000000X", "", "pv.nothing", "", "老大", "", "1.5", "昨天", ""])
    buf = io.BytesIO()
    book.save(buf)
    refused = _links_upload(client, buf.getvalue())
    assert refused.status_code == 422
    text = refused.text
    assert "第 4 行「统一社会信用代码」" in text and "应为本辖区的企业" in text
    assert "第 5 行「节点编号」：值“pv.nothing”" in text and "第 5 行「角色」：值“老大”" in text
    assert "第 5 行「收入占比」：值“1.5”" in text and "第 5 行「有效期起」：值“昨天”" in text
    with transaction(factory) as s:
        assert (
            s.scalar(select(func.count()).select_from(NodeLink).where(NodeLink.enterprise_id == extra)) == 0
        )
    for _ in range(2):
        sheet.delete_rows(4)
    buf = io.BytesIO()
    book.save(buf)
    ok = _links_upload(client, buf.getvalue())
    assert ok.status_code == 303 and "新增 1" in client.get(ok.headers["location"]).text
    with transaction(factory) as s:
        link = s.scalar(select(NodeLink).where(NodeLink.enterprise_id == extra))
        assert link.role == "key_supporting" and link.revenue_share == pytest.approx(0.6)
        assert link.region_code == "321003" and str(link.valid_from) == "2024-01-01"
        assert (
            s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "atlas_links"))
            >= 2
        )
    client.cookies.clear()
    made.user("view", "viewer")
    login(client, "view")
    assert client.get("/atlas/links").status_code == 403
