"""Documents to facts in the platform: upload (txt, html, docx) → review queue → an accepted fact becomes
an indicator figure with its document and offsets, shown with its sentence on the indicator's page;
organisations linked to the registry with aliases learned; every problem at once; scoped."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from kechuang.db import transaction
from kechuang.documents.models import Document, DocumentOrg, ExtractedFact
from kechuang.enterprises.models import Enterprise
from kechuang.indicators.models import Figure
from kechuang.indicators.service import ensure_indicators
from tests.conftest import login

PAGE = """首页 > 新闻中心 > 区县动态
邗江区科技创新工作取得新成效
发布时间：2026-11-20　来源：邗江区科技局　【字体：大 中 小】　分享到：
今年1-10月，全区规上工业企业研发投入达45.6亿元，同比增长12.3%。截至10月底，全区有效高新技术企业达到486家，较去年净增52家。扬州星澜精密机械有限公司新获批省级工程技术研究中心。
下一步，我区将力争全年技术合同成交额突破30亿元。
相关文章：
· 邗江区召开科技工作会议
版权所有：邗江区人民政府 苏ICP备00000000号
"""


def _csrf(client, path: str) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    return found.group(1) if found else ""


def _upload(client, files, region="321003", published="2026-11-20"):  # type: ignore[no-untyped-def]
    return client.post(
        "/documents",
        data={"csrf_token": _csrf(client, "/documents"), "region_code": region, "published_on": published},
        files=[("file", f) for f in files],
        follow_redirects=False,
    )


@pytest.fixture
def setup(factory, made):  # type: ignore[no-untyped-def]
    with transaction(factory) as s:
        ensure_indicators(s)
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    made.user("gy", "district", region_code="321084")
    made.user("view", "viewer")
    return made.enterprise("扬州星澜精密机械有限公司", "321003")


def test_upload_review_accept_and_provenance(setup, factory, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "hj")
    done = _upload(client, [("邗江动态.txt", PAGE.encode(), "text/plain")])
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert page.status_code == 200 and 'class="fact fact-pending"' in page.text
    with transaction(factory) as s:
        doc = s.scalar(select(Document))
        facts = {f.text: f for f in s.scalars(select(ExtractedFact))}
        assert doc.title == "邗江区科技创新工作取得新成效"
        assert (
            doc.text[doc.body_start :].startswith("今年1-10月")
            and "相关文章" not in doc.text[doc.body_start : doc.body_end]
        )
        hnte = next(f for t, f in facts.items() if "486" in t)
        assert hnte.value == 486 and hnte.unit == "家"
        rd = next(f for t, f in facts.items() if "45.6" in t)
        assert rd.value == pytest.approx(4.56e9) and rd.period == "2026-01..2026-10"
        org = s.scalar(select(DocumentOrg).where(DocumentOrg.name == "扬州星澜精密机械有限公司"))
        assert org is not None and org.type == "enterprise"
    # every problem of a bad acceptance at once, nothing written
    token = _csrf(client, f"/documents/{doc.id}")
    bad = client.post(
        f"/documents/facts/{hnte.id}",
        data={
            "csrf_token": token,
            "indicator": "",
            "region_code": "321084",
            "year": "20x6",
            "month": "13",
            "value": "many",
        },
    )
    assert bad.status_code == 422
    for words in (
        "请选择对应的指标",
        "只能写入本辖区的指标数据",
        "年度“20x6”无效",
        "截至月份“13”无效",
        "数值“many”不是数字",
    ):
        assert words in bad.text, words
    ok = client.post(
        f"/documents/facts/{hnte.id}",
        data={
            "csrf_token": token,
            "indicator": "hnte_count",
            "region_code": "321003",
            "year": "2026",
            "month": "10",
            "value": "486",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    rd_ok = client.post(
        f"/documents/facts/{rd.id}",
        data={
            "csrf_token": token,
            "indicator": "rd_spending",
            "region_code": "321003",
            "year": "2026",
            "month": "10",
            "value": "456000",
        },
        follow_redirects=False,
    )
    assert rd_ok.status_code == 303
    with transaction(factory) as s:
        fig = s.scalar(select(Figure).where(Figure.indicator == "hnte_count"))
        assert (fig.value, fig.month, fig.document_id, fig.span_start) == (486, 10, doc.id, hnte.start)
        assert doc.text[fig.span_start : fig.span_end] == hnte.text
        assert s.scalar(select(ExtractedFact.status).where(ExtractedFact.id == hnte.id)) == "accepted"
        # a year-to-date total of a cumulative indicator is stored so that the year's months sum to it
        assert s.scalar(
            select(func.sum(Figure.value)).where(Figure.indicator == "rd_spending")
        ) == pytest.approx(456000)
    indicator_page = client.get(f"/targets/figures/{fig.id}", follow_redirects=True)
    assert indicator_page.status_code == 200 and f'id="figure-{fig.id}"' in indicator_page.text
    assert f"<mark>{hnte.text}</mark>" in indicator_page.text and "邗江动态.txt" in indicator_page.text
    rejected = client.post(
        f"/documents/facts/{facts[next(iter(facts))].id}", data={"csrf_token": token, "action": "reject"}
    )
    assert rejected.status_code in (200, 303)
    # the organisation is linked to the registry enterprise and its surface form learned
    with transaction(factory) as s:
        org_id = s.scalar(select(DocumentOrg.id).where(DocumentOrg.name == "扬州星澜精密机械有限公司"))
    assert (
        client.post(
            f"/documents/orgs/{org_id}",
            data={"csrf_token": token, "enterprise_id": str(setup)},
            follow_redirects=False,
        ).status_code
        == 303
    )
    # scope: another district sees neither the document nor its facts
    client.cookies.clear()
    login(client, "gy")
    assert client.get(f"/documents/{doc.id}").status_code == 404
    assert "邗江区科技创新工作" not in client.get("/documents").text
    client.cookies.clear()
    login(client, "view")
    assert client.get(f"/documents/{doc.id}").status_code == 200
    assert (
        client.post(
            f"/documents/facts/{rd.id}", data={"csrf_token": _csrf(client, "/documents"), "action": "reject"}
        ).status_code
        == 403
    )


def test_html_and_docx_uploads_and_bad_files(setup, factory, client) -> None:  # type: ignore[no-untyped-def]
    docx = pytest.importorskip("docx")
    login(client, "boss")
    html = (
        "<html><head><title>x</title><style>p{}</style></head><body><div class='nav'>首页 &gt; 新闻</div>"
        + "".join(f"<p>{line}</p>" for line in PAGE.splitlines()[1:])
        + "<script>var a=1;</script></body></html>"
    )
    word = docx.Document()
    for line in PAGE.splitlines()[1:6]:
        word.add_paragraph(line)
    buf = io.BytesIO()
    word.save(buf)
    done = _upload(
        client,
        [("a.html", html.encode(), "text/html"), ("b.docx", buf.getvalue(), "application/octet-stream")],
    )
    assert done.status_code == 303
    with transaction(factory) as s:
        docs = list(s.scalars(select(Document).order_by(Document.id)))
        assert [d.filename for d in docs] == ["a.html", "b.docx"]
        assert "var a=1" not in docs[0].text and "<p>" not in docs[0].text
        for d in docs:
            assert (
                s.scalar(
                    select(func.count()).select_from(ExtractedFact).where(ExtractedFact.document_id == d.id)
                )
                >= 3
            )
    bad = _upload(
        client, [("c.pdf", b"%PDF-1.4", "application/pdf"), ("d.txt", b"\xff\xfe\x00bad", "text/plain")]
    )
    assert bad.status_code == 422 and "c.pdf：不支持的文件类型" in bad.text
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 2  # nothing of the bad batch written
    client.cookies.clear()
    login(client, "hj")
    refused = _upload(client, [("e.txt", PAGE.encode(), "text/plain")], region="321084")
    assert refused.status_code == 422 and "只能上传本辖区的资讯" in refused.text


def test_enterprise_alias_is_learned_on_confirmation(setup, factory, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "boss")
    _upload(client, [("alias.txt", PAGE.encode(), "text/plain")])
    with transaction(factory) as s:
        doc_id = s.scalar(select(Document.id))
        short = DocumentOrg(
            document_id=doc_id, region_code="321003", name="星澜精密", type="enterprise", start=0, end=4
        )
        s.add(short)
        s.flush()
        org_id = short.id
    page = client.get(f"/documents/{doc_id}")
    assert "扬州星澜精密机械有限公司" in page.text.split('id="orgs"')[1]  # offered as a candidate
    client.post(
        f"/documents/orgs/{org_id}",
        data={"csrf_token": _csrf(client, "/documents"), "enterprise_id": str(setup)},
    )
    with transaction(factory) as s:
        assert "星澜精密" in s.get(Enterprise, setup).aliases.split("|")
        assert s.get(DocumentOrg, org_id).status == "linked"


def test_demo_documents_wait_in_the_review_queue(setup, factory) -> None:  # type: ignore[no-untyped-def]
    from kechuang.documents.demo import demo_documents

    with transaction(factory) as s:
        assert demo_documents(s) == 2
        assert demo_documents(s) == 0  # once
        docs = list(s.scalars(select(Document).order_by(Document.id)))
        assert [d.region_code for d in docs] == ["321000", "321003"]
        assert all("演示" not in d.title and d.body_start > 0 for d in docs)
        pending = s.scalar(
            select(func.count()).select_from(ExtractedFact).where(ExtractedFact.status == "pending")
        )
        assert pending >= 20
