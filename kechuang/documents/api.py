"""Document API: upload, the list, one document with its facts and organisations, and fact review.

The same service functions as the pages (``kechuang.documents.service``): an accepted fact becomes an
indicator figure whose provenance is the document and the evidence's offsets; an organisation is linked
to a registry enterprise (its name learned as an alias). Scoped by region like every other read."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from kechuang.documents import service
from kechuang.documents.models import Document, DocumentOrg, ExtractedFact
from kechuang.documents.schemas import (
    PUBLISHED_PATTERN,
    AcceptIn,
    CandidateOut,
    DocumentDetail,
    DocumentList,
    DocumentOut,
    FactCounts,
    FactOut,
    FactStatus,
    FigureOut,
    LinkIn,
    OrgOut,
    PublishedOn,
    SuggestionOut,
)
from kechuang.errors import InvalidInput, Problem
from kechuang.indicators.models import Figure
from kechuang.web.api_common import COMMON, GUARDS, MAX_ID, NOT_FOUND, PageNo, PageSize, errors
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["documents"], responses=COMMON, dependencies=GUARDS)

DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="a document's id")]
FactId = Annotated[int, Path(ge=1, le=MAX_ID, description="an extracted fact's id")]
OrgId = Annotated[int, Path(ge=1, le=MAX_ID, description="an organisation's id (of a document)")]
MAX_FILENAME = 255  # documents.filename


@router.get(
    "/documents",
    response_model=DocumentList,
    summary="The documents the caller may see, newest first, with their facts counted by review status",
)
def list_documents(page: PageNo = 1, page_size: PageSize = 50, ctx: Ctx = Depends(api_ctx)) -> DocumentList:
    """A district operator sees its district's documents (and those of the regions under it)."""
    result = service.document_list(ctx.session, actor=ctx.actor, page=page, page_size=page_size)
    return DocumentList(
        items=[
            DocumentOut.of(
                r.document, FactCounts(pending=r.pending, accepted=r.accepted, rejected=r.rejected)
            )
            for r in result.items
        ],
        total=result.total,
        page=result.page,
        page_size=result.page_size,
    )


@router.post(
    "/documents",
    response_model=DocumentDetail,
    status_code=201,
    responses=errors(413),
    summary="Upload a document (.txt, .html or .docx): its facts go to the review queue",
)
async def upload_document(
    file: UploadFile = File(..., description="the document: .txt or .html (UTF-8 or GB18030) or .docx"),
    region_code: str | None = Form(
        None,
        max_length=12,
        json_schema_extra={"format": "region"},
        description="the document's own region (default: the caller's region, else the city)",
    ),
    published_on: PublishedOn | None = Form(
        None,
        json_schema_extra={"pattern": PUBLISHED_PATTERN},
        description="YYYY-MM-DD, not after today: dates 今年 / 去年 in the text (default: read from the text)",
    ),
    ctx: Ctx = Depends(api_ctx),
) -> DocumentDetail:
    """The page's upload: extraction finds the facts (pending review) and the organisations (enterprises
    named in the registry are linked at once). 422 lists every problem (file type, empty file, region)."""
    service.check_editor(ctx.actor)
    filename = file.filename or "upload.txt"
    if len(filename) > MAX_FILENAME:
        raise InvalidInput([Problem("file", f"文件名不能超过 {MAX_FILENAME} 个字符", filename[:200])])
    content = await file.read()

    def work() -> DocumentDetail:
        doc = service.upload(
            ctx.session,
            actor=ctx.actor,
            content=content,
            filename=filename,
            region_code=region_code or service.default_region(ctx.session, ctx.actor),
            published_on=published_on,
        )
        return _detail(ctx, doc, None)

    return await run_in_threadpool(work)


@router.get(
    "/documents/{document_id}",
    response_model=DocumentDetail,
    responses=NOT_FOUND,
    summary="One document: its text, its facts with the review form's suggestions, its organisations",
)
def get_document(
    document_id: DocumentId,
    status: FactStatus | None = Query(None, description="only the facts in this review status"),
    ctx: Ctx = Depends(api_ctx),
) -> DocumentDetail:
    """Offsets index into `text`; `counts` counts every fact whatever `status` shows. A pending
    enterprise comes with the registry enterprises the caller may link it to."""
    doc = service.get_document(ctx.session, actor=ctx.actor, document_id=document_id)
    return _detail(ctx, doc, status)


@router.post(
    "/documents/facts/{fact_id}/accept",
    response_model=FactOut,
    responses=NOT_FOUND,
    summary="Accept a fact as an indicator figure (region, year, month, value in the indicator's unit)",
)
def accept_fact(fact_id: FactId, body: AcceptIn, ctx: Ctx = Depends(api_ctx)) -> FactOut:
    """The page's review form: the figure of that region, indicator and month is written (replaced) with
    the document and the evidence's offsets as its source; audited. A cumulative indicator's value is
    the year-to-date total: the month's flow stored is the total minus the earlier months' flows.
    422 lists every problem (e.g. a region the caller may not write, a fact already accepted)."""
    service.accept(ctx.session, actor=ctx.actor, fact_id=fact_id, form=body.form())
    return _fact_out(ctx, fact_id)


@router.post(
    "/documents/facts/{fact_id}/reject",
    response_model=FactOut,
    responses=NOT_FOUND,
    summary="Reject a fact (it writes no figure)",
)
def reject_fact(fact_id: FactId, ctx: Ctx = Depends(api_ctx)) -> FactOut:
    """The page's reject button; audited."""
    service.reject(ctx.session, actor=ctx.actor, fact_id=fact_id)
    return _fact_out(ctx, fact_id)


@router.put(
    "/documents/orgs/{org_id}",
    response_model=OrgOut,
    responses=NOT_FOUND,
    summary="Link an organisation to a registry enterprise (null: mark it as none)",
)
def link_org(org_id: OrgId, body: LinkIn, ctx: Ctx = Depends(api_ctx)) -> OrgOut:
    """The name found in the document is learned as the enterprise's alias (audited with the
    enterprise). 422 when the enterprise is not one the caller may see."""
    org = service.link_org(ctx.session, actor=ctx.actor, org_id=org_id, enterprise_id=body.enterprise_id)
    return _org(ctx, org)


# ---- answers ------------------------------------------------------------------------------------


def _detail(ctx: Ctx, doc: Document, status: FactStatus | None) -> DocumentDetail:
    facts = service.facts(ctx.session, doc.id)
    counts = FactCounts(**{s: sum(1 for f in facts if f.status == s) for s in service.FACT_STATUSES})
    shown = [f for f in facts if status is None or f.status == status.value]
    return DocumentDetail.of(
        doc,
        counts,
        text=doc.text,
        facts=_facts(ctx, doc, shown),
        orgs=[_org(ctx, o) for o in service.orgs(ctx.session, doc.id)],
    )


def _facts(ctx: Ctx, doc: Document, facts: list[ExtractedFact]) -> list[FactOut]:
    suggestions = service.suggestions(ctx.session, doc, facts)
    ids = [f.figure_id for f in facts if f.figure_id is not None]
    figures = service.visible_figures(ctx.session, actor=ctx.actor, figure_ids=ids)
    return [
        _fact(f, s, figures.get(f.figure_id) if f.figure_id else None)
        for f, s in zip(facts, suggestions, strict=True)
    ]


def _fact(f: ExtractedFact, s: service.Suggestion, figure: Figure | None) -> FactOut:
    return FactOut(
        id=f.id,
        document_id=f.document_id,
        text=f.text,
        start=f.start,
        end=f.end,
        sentence_start=f.sentence_start,
        sentence_end=f.sentence_end,
        kind=f.kind,
        value=f.value,
        unit=f.unit,
        approx=bool(f.approx),
        subject=f.subject,
        period=f.period,
        indicator_name=f.indicator or "",
        status=FactStatus(f.status),
        reviewed_by=f.reviewed_by,
        reviewed_at=f.reviewed_at,
        figure_id=f.figure_id,
        figure=FigureOut.model_validate(figure) if figure is not None else None,
        suggestion=SuggestionOut(**asdict(s)),
    )


def _fact_out(ctx: Ctx, fact_id: int) -> FactOut:
    fact = service.get_fact(ctx.session, actor=ctx.actor, fact_id=fact_id)
    doc = service.get_document(ctx.session, actor=ctx.actor, document_id=fact.document_id)
    return _facts(ctx, doc, [fact])[0]


def _org(ctx: Ctx, o: DocumentOrg) -> OrgOut:
    pending_enterprise = o.type == "enterprise" and o.status == "pending"
    found = service.candidates(ctx.session, o.name, actor=ctx.actor) if pending_enterprise else []
    return OrgOut(
        id=o.id,
        document_id=o.document_id,
        name=o.name,
        type=o.type,
        start=o.start,
        end=o.end,
        status=o.status,
        enterprise_id=o.enterprise_id,
        candidates=[CandidateOut.model_validate(e) for e in found],
    )
