"""Document pages: the list with upload, a document's review queue (each fact highlighted in its
sentence, accept / edit / reject; organisations linked to the registry), thin over ``service``."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.auth.policy import visible_region
from kechuang.documents import service
from kechuang.documents.models import Document, ExtractedFact
from kechuang.errors import InvalidInput
from kechuang.indicators.service import catalogue
from kechuang.regions.service import all_regions, region_names
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)
KIND_LABELS = {
    "level": "总量",
    "growth_rate": "增速",
    "share": "占比",
    "rank": "排名",
    "count": "数量",
    "target": "目标",
    "other": "其他",
}
ORG_TYPES = {
    "enterprise": "企业",
    "university": "高校",
    "research_institute": "研究院所",
    "carrier": "载体平台",
    "government": "政府部门",
    "financial": "金融机构",
    "other": "其他",
}


def _regions(ctx: Ctx) -> list[Any]:
    return [r for r in all_regions(ctx.session) if visible_region(ctx.actor, r.code)]


@router.get("/documents", response_class=HTMLResponse)
def documents_page(ctx: Ctx = Depends(page_ctx)) -> Response:
    return _list(ctx, [], 200)


def _list(ctx: Ctx, problems: list[str], status: int) -> Response:
    rows = service.documents(ctx.session, actor=ctx.actor)
    return render(
        ctx.request,
        "documents/list.html",
        status_code=status,
        rows=rows,
        problems=problems,
        regions=_regions(ctx),
        names=region_names(ctx.session),
        today=date.today().isoformat(),
        default_region=ctx.actor.region_code or "321000",
    )


@router.post("/documents", response_class=HTMLResponse)
async def documents_upload(request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    service.check_editor(ctx.actor)
    form = await request.form()
    uploads = [u for u in form.getlist("file") if not isinstance(u, str) and u.filename]
    region = str(form.get("region_code", ""))
    published: date | None = None
    problems: list[str] = []
    if form.get("published_on"):
        try:
            published = date.fromisoformat(str(form.get("published_on")))
        except ValueError:
            problems.append(f"发布日期“{form.get('published_on')}”无效，应为 YYYY-MM-DD")
    if not uploads:
        problems.append("请选择要上传的资讯文件（.txt、.html 或 .docx）")
    if problems:
        return _list(ctx, problems, 422)
    done: list[Document] = []
    for upload in uploads:
        try:
            done.append(
                service.upload(
                    ctx.session,
                    actor=ctx.actor,
                    content=await upload.read(),
                    filename=upload.filename or "",
                    region_code=region,
                    published_on=published,
                )
            )
        except InvalidInput as exc:
            problems.extend(p.message for p in exc.problems)
    if problems:
        ctx.session.rollback()
        return _list(ctx, problems, 422)
    target = f"/documents/{done[0].id}" if len(done) == 1 else "/documents"
    return RedirectResponse(target, status_code=303)


def _segments(doc: Document, facts: list[ExtractedFact]) -> list[dict[str, Any]]:
    """The text cut into plain and fact pieces (non-overlapping, in order), boilerplate marked."""
    out: list[dict[str, Any]] = []
    pos = 0
    for f in sorted(facts, key=lambda f: (f.start, -f.end)):
        if f.start < pos:
            continue
        out.append({"text": doc.text[pos : f.start], "fact": None})
        out.append({"text": doc.text[f.start : f.end], "fact": f})
        pos = f.end
    out.append({"text": doc.text[pos:], "fact": None})
    # split the plain pieces at the body's edges, so boilerplate can be shown muted
    cut: list[dict[str, Any]] = []
    offset = 0
    for seg in out:
        start, end = offset, offset + len(seg["text"])
        offset = end
        if seg["fact"] is not None:
            cut.append({**seg, "boiler": False})
            continue
        edges = sorted({start, end, *(e for e in (doc.body_start, doc.body_end) if start < e < end)})
        for a, b in zip(edges, edges[1:], strict=False):
            cut.append(
                {"text": doc.text[a:b], "fact": None, "boiler": not doc.body_start <= a < doc.body_end}
            )
    return cut


def _review_rows(ctx: Ctx, doc: Document, facts: list[ExtractedFact]) -> list[dict[str, Any]]:
    return [
        {
            "fact": f,
            "indicator": s.indicator,
            "region": s.region_code,
            "year": s.year,
            "month": s.month,
            "value": s.value,
            "sentence": doc.text[f.sentence_start : f.start],
            "after": doc.text[f.end : f.sentence_end],
        }
        for f, s in zip(facts, service.suggestions(ctx.session, doc, facts), strict=True)
    ]


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(document_id: int, status: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    return _document(ctx, document_id, status, {}, 200)


def _document(ctx: Ctx, document_id: int, status: str, problems: dict[int, list[str]], code: int) -> Response:
    doc = service.get_document(ctx.session, actor=ctx.actor, document_id=document_id)
    facts = service.facts(ctx.session, doc.id)
    shown = [f for f in facts if not status or f.status == status]
    orgs = service.orgs(ctx.session, doc.id)
    counts = {s: sum(1 for f in facts if f.status == s) for s in ("pending", "accepted", "rejected")}
    return render(
        ctx.request,
        "documents/detail.html",
        status_code=code,
        doc=doc,
        segments=_segments(doc, facts),
        rows=_review_rows(ctx, doc, shown),
        orgs=[
            (
                o,
                service.candidates(ctx.session, o.name, actor=ctx.actor)
                if o.type == "enterprise" and o.status == "pending"
                else [],
            )
            for o in orgs
        ],
        counts=counts,
        status=status,
        problems=problems,
        indicators=catalogue(ctx.session),
        regions=_regions(ctx),
        names=region_names(ctx.session),
        kinds=KIND_LABELS,
        org_types=ORG_TYPES,
        can_edit=service.can_edit(ctx.actor),
    )


@router.post("/documents/facts/{fact_id}", response_class=HTMLResponse)
async def fact_review(fact_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    document_id = service.get_fact(ctx.session, actor=ctx.actor, fact_id=fact_id).document_id
    try:
        if form.get("action") == "reject":
            service.reject(ctx.session, actor=ctx.actor, fact_id=fact_id)
        else:
            service.accept(ctx.session, actor=ctx.actor, fact_id=fact_id, form=form)
    except InvalidInput as exc:
        ctx.session.rollback()
        return _document(ctx, document_id, "", {fact_id: [p.message for p in exc.problems]}, 422)
    return RedirectResponse(f"/documents/{document_id}#fact-{fact_id}", status_code=303)


@router.post("/documents/orgs/{org_id}", response_class=HTMLResponse)
async def org_link(org_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = await request.form()
    raw = str(form.get("enterprise_id", ""))
    org = service.link_org(
        ctx.session, actor=ctx.actor, org_id=org_id, enterprise_id=int(raw) if raw.isdigit() else None
    )
    return RedirectResponse(f"/documents/{org.document_id}#orgs", status_code=303)
