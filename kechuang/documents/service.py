"""Documents to facts, in the platform: upload (txt, html, docx) → extract → review queue → an accepted
fact becomes an indicator figure whose provenance is the document and the evidence's offsets;
organisations are linked to registry enterprises and the names learned as aliases. Scoped by region."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, defer

from kechuang.auth.policy import Permission, allowed, require, writable_region
from kechuang.auth.scope import Actor, can_see, scope_clause
from kechuang.db import utcnow
from kechuang.documents.models import Document, DocumentOrg, ExtractedFact
from kechuang.enterprises import revision
from kechuang.enterprises.models import Enterprise
from kechuang.errors import InvalidInput, NotFound, Problem
from kechuang.indicators.models import Figure, IndicatorDef
from kechuang.paging import DEFAULT_PAGE_SIZE, Page, bounded
from kechuang.regions.models import Region

PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})\.\.(\d{4})-(\d{2}))?$")
# which catalogue indicator a fact's normalised name maps to, by the words it contains (first match wins)
INDICATOR_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("invention_patents_per_10k", ("万人发明专利",)),
    ("high_tech_output_share", ("高新技术产业产值",)),
    ("tech_sme_count", ("科技型中小企业",)),
    ("hnte_count", ("高新技术企业", "高企")),
    ("tech_contract_turnover", ("技术合同",)),
    ("iur_projects", ("产学研",)),
    ("rd_platforms", ("研发平台", "研发机构", "创新平台")),
    ("talent_introduced", ("人才",)),
    ("rd_spending", ("研发投入", "研发经费", "R&D")),
)
# the base unit of a fact → factor to the catalogue unit
UNIT_FACTORS = {
    ("元", "万元"): 1e-4,
    ("元", "亿元"): 1e-8,
    ("%", "%"): 0.01,
    ("家", "家"): 1,
    ("个", "个"): 1,
    ("项", "项"): 1,
    ("件/万人", "件"): 1,
    ("人", "人"): 1,
    ("名", "人"): 1,
}


FACT_STATUSES = ("pending", "accepted", "rejected")
SUGGESTED_KINDS = ("level", "count", "share")  # kinds whose value can be an indicator's figure


def check_reader(actor: Actor) -> None:
    require(actor, Permission.see_documents, "资讯抽取面向市科技局、区县和只读账号")


def check_editor(actor: Actor) -> None:
    require(actor, Permission.edit_documents, "只有市科技局和区县操作员可以上传和审核资讯")


def can_edit(actor: Actor) -> bool:
    return allowed(actor, Permission.edit_documents)


def get_fact(session: Session, *, actor: Actor, fact_id: int) -> ExtractedFact:
    """One extracted fact the actor may see (NotFound otherwise: existence is not disclosed)."""
    check_reader(actor)
    fact = session.get(ExtractedFact, fact_id)
    if fact is None or not can_see(actor, fact):
        raise NotFound(f"事实 {fact_id} 不存在或无权查看")
    return fact


def read_upload(content: bytes, filename: str) -> str:
    """The document's plain text (the text the offsets index into)."""
    from kechuang.extraction import DocumentError, docx_to_text, html_to_text

    suffix = PurePath(filename).suffix.lower()
    if suffix == ".docx":
        try:
            return docx_to_text(content)
        except DocumentError as exc:
            raise InvalidInput([Problem("file", f"{filename}：{exc}", filename)]) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput([Problem("file", f"{filename}：无法按 UTF-8 或 GB18030 解码", filename)])
    if suffix in (".html", ".htm"):
        return html_to_text(text)
    if suffix in (".txt", ""):
        return text.replace("\r\n", "\n")
    raise InvalidInput(
        [Problem("file", f"{filename}：不支持的文件类型，应为 .txt、.html 或 .docx", filename)]
    )


CHROME_WORDS = (
    ">",
    "›",
    "»",
    "当前位置",
    "首页",
    "来源",
    "发布时间",
    "时间：",
    "作者",
    "字体",
    "打印",
    "分享",
    "浏览",
    "编辑",
    "责任",
)


def headline(header: str) -> str:
    """The page's headline among the lines before the body: the first that is not breadcrumb or byline."""
    for line in header.splitlines():
        line = line.strip()
        if 6 <= len(line) <= 80 and not any(w in line for w in CHROME_WORDS):
            return line
    return ""


_INDEX: dict[tuple[str, str], dict[str, int]] = {}


def enterprise_index(session: Session) -> dict[str, int]:
    """Registry names and aliases → enterprise id: the gazetteer for finding enterprises in texts and for
    linking them. Read once per registry revision (every registry write changes it)."""
    key = (str(session.get_bind().engine.url), revision.current(session))
    index = _INDEX.get(key)
    if index is None:
        index = {}
        for eid, name, aliases in session.execute(select(Enterprise.id, Enterprise.name, Enterprise.aliases)):
            index.setdefault(name, eid)
            for a in (aliases or "").split("|"):
                if a:
                    index.setdefault(a, eid)
        _INDEX.clear()
        _INDEX[key] = index
    return index


def upload(
    session: Session,
    *,
    actor: Actor,
    content: bytes,
    filename: str,
    region_code: str,
    published_on: date | None,
) -> Document:
    """Store the document and its extracted facts (pending review) and organisations."""
    from kechuang.extraction import extract

    check_editor(actor)
    problems = []
    if session.get(Region, region_code) is None:
        problems.append(Problem("region_code", f"地区代码“{region_code}”不存在", region_code))
    elif not writable_region(actor, region_code):
        problems.append(Problem("region_code", "只能上传本辖区的资讯", region_code))
    if not content:
        problems.append(Problem("file", f"{filename}：文件是空的", filename))
    if problems:
        raise InvalidInput(problems)
    text = read_upload(content, filename)
    if not text.strip():
        raise InvalidInput([Problem("file", f"{filename}：没有可读的文字", filename)])
    known = enterprise_index(session)
    ex = extract(text, doc=filename, published=published_on, gazetteer=tuple(known))
    title = headline(text[: ex.body[0]]) or text[ex.body[0] : ex.body[0] + 40]
    doc = Document(
        filename=filename,
        title=title[:500],
        region_code=region_code,
        published_on=published_on,
        text=text,
        body_start=ex.body[0],
        body_end=ex.body[1],
        uploaded_by=actor.username,
    )
    session.add(doc)
    session.flush()
    for f in ex.facts:
        session.add(
            ExtractedFact(
                document_id=doc.id,
                region_code=region_code,
                start=f.start,
                end=f.end,
                sentence_start=f.sentence_start,
                sentence_end=f.sentence_end,
                text=f.text[:500],
                subject=f.subject,
                indicator=f.indicator or "",
                value=float(f.value),
                unit=f.unit,
                kind=f.kind,
                approx=f.approx,
                period=f.period,
            )
        )
    for o in ex.orgs:
        session.add(
            DocumentOrg(
                document_id=doc.id,
                region_code=region_code,
                name=o.name,
                type=o.type,
                start=o.start,
                end=o.end,
                enterprise_id=known.get(o.name) if o.type == "enterprise" else None,
            )
        )
    session.flush()
    return doc


def documents(session: Session, *, actor: Actor) -> list[tuple[Document, int, int]]:
    """Visible documents, newest first, with pending and accepted fact counts."""
    check_reader(actor)
    rows = session.execute(
        select(
            Document,
            func.count(ExtractedFact.id).filter(ExtractedFact.status == "pending"),
            func.count(ExtractedFact.id).filter(ExtractedFact.status == "accepted"),
        )
        .outerjoin(ExtractedFact, ExtractedFact.document_id == Document.id)
        .where(scope_clause(actor, Document))
        .group_by(Document.id)
        .order_by(Document.id.desc())
    ).all()
    return list(rows)


@dataclass(frozen=True)
class DocumentRow:
    """A document of the list (its text not loaded) with its facts counted by review status."""

    document: Document
    pending: int
    accepted: int
    rejected: int


def document_list(
    session: Session, *, actor: Actor, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> Page[DocumentRow]:
    """One page of the visible documents, newest first, each with its facts counted by status."""
    check_reader(actor)
    page, page_size = bounded(page, page_size)
    scope = scope_clause(actor, Document)
    total = int(session.scalar(select(func.count()).select_from(Document).where(scope)) or 0)
    counts = [func.count(ExtractedFact.id).filter(ExtractedFact.status == s) for s in FACT_STATUSES]
    rows = session.execute(
        select(Document, *counts)
        .options(defer(Document.text))
        .outerjoin(ExtractedFact, ExtractedFact.document_id == Document.id)
        .where(scope)
        .group_by(Document.id)
        .order_by(Document.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    items = [DocumentRow(row[0], int(row[1]), int(row[2]), int(row[3])) for row in rows]
    return Page(items=items, total=total, page=page, page_size=page_size)


def default_region(session: Session, actor: Actor) -> str:
    """Where an upload goes when no region is given: the actor's own region, else the city (the root)."""
    if actor.region_code:
        return actor.region_code
    root = select(Region.code).where(Region.parent_code.is_(None)).order_by(Region.code).limit(1)
    return session.scalar(root) or ""


def get_document(session: Session, *, actor: Actor, document_id: int) -> Document:
    check_reader(actor)
    doc = session.get(Document, document_id)
    if doc is None or not can_see(actor, doc):
        raise NotFound(f"资讯 {document_id} 不存在或无权查看")
    return doc


def facts(session: Session, document_id: int) -> list[ExtractedFact]:
    return list(
        session.scalars(
            select(ExtractedFact)
            .where(ExtractedFact.document_id == document_id)
            .order_by(ExtractedFact.start)
        )
    )


def orgs(session: Session, document_id: int) -> list[DocumentOrg]:
    return list(
        session.scalars(
            select(DocumentOrg).where(DocumentOrg.document_id == document_id).order_by(DocumentOrg.start)
        )
    )


def suggest_indicator(fact: ExtractedFact) -> str | None:
    for code, words in INDICATOR_WORDS:
        if any(w in (fact.indicator or "") or w in fact.text for w in words):
            return code
    return None


def suggest_region(
    session: Session, fact: ExtractedFact, doc: Document, names: dict[str, str] | None = None
) -> str:
    """The region the fact's subject names, else the document's; ``names`` (region name → code)
    saves a query per fact."""
    if fact.subject:
        if names is not None:
            code = names.get(fact.subject)
        else:
            code = session.scalar(select(Region.code).where(Region.name == fact.subject))
        if code:
            return code
    return doc.region_code


def suggest_period(fact: ExtractedFact, doc: Document) -> tuple[int | None, int | None]:
    m = PERIOD.match(fact.period or "")
    if m:
        return int(m.group(1)), int(m.group(4)) if m.group(4) else 12
    year = doc.published_on.year if doc.published_on else None
    return year, None


def to_indicator_value(fact_value: float, fact_unit: str, indicator_unit: str) -> float | None:
    factor = UNIT_FACTORS.get((fact_unit, indicator_unit))
    if factor is None and fact_unit == indicator_unit:
        factor = 1
    return None if factor is None else fact_value * factor


@dataclass(frozen=True)
class Suggestion:
    """What the review form proposes for a fact: the indicator (only when the value converts to its
    unit), the region, the period and the value in the indicator's unit."""

    indicator: str | None
    region_code: str
    year: int | None
    month: int | None
    value: float | None


def suggestions(session: Session, doc: Document, facts: list[ExtractedFact]) -> list[Suggestion]:
    """The review form's proposal for each fact, in the order given."""
    if not facts:
        return []
    units = {code: unit for code, unit in session.execute(select(IndicatorDef.code, IndicatorDef.unit))}
    names = {name: code for code, name in session.execute(select(Region.code, Region.name))}
    return [_suggestion(session, doc, f, units, names) for f in facts]


def _suggestion(
    session: Session, doc: Document, f: ExtractedFact, units: dict[str, str], names: dict[str, str]
) -> Suggestion:
    indicator = suggest_indicator(f) if f.kind in SUGGESTED_KINDS else None
    year, month = suggest_period(f, doc)
    value = to_indicator_value(f.value, f.unit, units.get(indicator or "", "")) if indicator else None
    if value is None:  # a growth rate, a rank or another unit is not a figure of that indicator
        indicator = None
    return Suggestion(indicator, suggest_region(session, f, doc, names), year, month, value)


@dataclass(frozen=True)
class Acceptance:
    indicator: str
    region_code: str
    year: int
    month: int
    value: float  # in the catalogue's unit (a year-to-date total for cumulative indicators)


def accept(session: Session, *, actor: Actor, fact_id: int, form: dict[str, str]) -> Figure:
    """Check the reviewer's mapping (every problem at once), then write the figure with its provenance.
    A cumulative indicator's figure is the stated year-to-date total: the month's flow stored is the
    total minus the flows already on record for the earlier months of that year."""
    check_editor(actor)
    fact = get_fact(session, actor=actor, fact_id=fact_id)
    doc = session.get(Document, fact.document_id)
    assert doc is not None
    problems = []
    ind = session.get(IndicatorDef, form.get("indicator", ""))
    if ind is None:
        problems.append(Problem("indicator", "请选择对应的指标", form.get("indicator", "")))
    region = form.get("region_code", "")
    if session.get(Region, region) is None:
        problems.append(Problem("region_code", f"地区代码“{region}”不存在", region))
    elif not writable_region(actor, region):
        problems.append(Problem("region_code", "只能写入本辖区的指标数据", region))
    numbers: dict[str, float] = {}
    for key, label, low, high in (("year", "年度", 2000, 2100), ("month", "截至月份", 1, 12)):
        try:
            numbers[key] = int(form.get(key, ""))
            if not low <= numbers[key] <= high:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(key, f"{label}“{form.get(key, '')}”无效，应为 {low}–{high} 的整数", form.get(key))
            )
    try:
        numbers["value"] = float(str(form.get("value", "")).replace(",", ""))
    except ValueError:
        problems.append(Problem("value", f"数值“{form.get('value', '')}”不是数字", form.get("value")))
    if fact.status == "accepted":
        problems.append(Problem("status", "该事实已采纳", fact.status))
    if problems:
        raise InvalidInput(problems)
    assert ind is not None
    year, month, value = int(numbers["year"]), int(numbers["month"]), numbers["value"]
    flow = value
    if ind.mode == "cumulative":
        earlier = (
            session.scalar(
                select(func.sum(Figure.value)).where(
                    Figure.region_code == region,
                    Figure.indicator == ind.code,
                    Figure.year == year,
                    Figure.month < month,
                )
            )
            or 0.0
        )
        flow = value - earlier
    figure = session.scalar(
        select(Figure).where(
            Figure.region_code == region,
            Figure.indicator == ind.code,
            Figure.year == year,
            Figure.month == month,
        )
    )
    source = f"资讯：{doc.filename}（第{fact.start}–{fact.end}字）"
    if figure is None:
        figure = Figure(region_code=region, indicator=ind.code, year=year, month=month)
        session.add(figure)
    figure.value, figure.source = flow, source[:255]
    figure.document_id, figure.span_start, figure.span_end = doc.id, fact.start, fact.end
    session.flush()
    fact.status, fact.figure_id = "accepted", figure.id
    fact.reviewed_by, fact.reviewed_at = actor.username, utcnow()
    session.flush()
    return figure


def visible_figures(session: Session, *, actor: Actor, figure_ids: list[int]) -> dict[int, Figure]:
    """The figures accepted facts wrote, by id: only those the actor may see."""
    if not figure_ids:
        return {}
    stmt = select(Figure).where(Figure.id.in_(sorted(set(figure_ids))), scope_clause(actor, Figure))
    return {f.id: f for f in session.scalars(stmt)}


def reject(session: Session, *, actor: Actor, fact_id: int) -> None:
    check_editor(actor)
    fact = get_fact(session, actor=actor, fact_id=fact_id)
    fact.status, fact.reviewed_by, fact.reviewed_at = "rejected", actor.username, utcnow()
    session.flush()


def candidates(
    session: Session, name: str, limit: int = 8, *, actor: Actor | None = None
) -> list[Enterprise]:
    """Registry enterprises whose name or alias contains the organisation's name (or the reverse);
    with ``actor``, only those the actor may see (the only ones it may link)."""
    core = re.sub(r"(股份)?有限(责任)?公司$|集团$", "", name) or name
    stmt = select(Enterprise).where(or_(Enterprise.name.contains(core), Enterprise.aliases.contains(core)))
    if actor is not None:
        stmt = stmt.where(scope_clause(actor, Enterprise))
    return list(session.scalars(stmt.order_by(Enterprise.name).limit(limit)))


def link_org(session: Session, *, actor: Actor, org_id: int, enterprise_id: int | None) -> DocumentOrg:
    """Link an organisation to a registry enterprise (or mark it ignored); a new surface form is learned
    as the enterprise's alias (audited with the enterprise)."""
    check_editor(actor)
    org = session.get(DocumentOrg, org_id)
    if org is None or not can_see(actor, org):
        raise NotFound(f"机构 {org_id} 不存在或无权查看")
    if enterprise_id is None:
        org.status, org.enterprise_id = "ignored", None
        session.flush()
        return org
    ent = session.get(Enterprise, enterprise_id)
    if ent is None or not can_see(actor, ent):
        raise InvalidInput([Problem("enterprise_id", "请选择本辖区企业库中的企业", enterprise_id)])
    aliases = [a for a in (ent.aliases or "").split("|") if a]
    if org.name != ent.name and org.name not in aliases and len("|".join([*aliases, org.name])) <= 500:
        ent.aliases = "|".join([*aliases, org.name])
    org.enterprise_id, org.status = ent.id, "linked"
    session.flush()
    return org


def figure_sources(session: Session, figure_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For figures from documents: the document, the sentence and the evidence's place in it."""
    out: dict[int, dict[str, Any]] = {}
    if not figure_ids:
        return out
    rows = session.execute(
        select(
            Figure.id,
            Figure.span_start,
            Figure.span_end,
            Document.id,
            Document.filename,
            Document.text,
            ExtractedFact.sentence_start,
            ExtractedFact.sentence_end,
        )
        .join(Document, Document.id == Figure.document_id)
        .outerjoin(ExtractedFact, ExtractedFact.figure_id == Figure.id)
        .where(Figure.id.in_(figure_ids))
    ).all()
    for fid, s, e, did, filename, text, ss, se in rows:
        ss = ss if ss is not None else max(0, (s or 0) - 40)
        se = se if se is not None else min(len(text), (e or 0) + 40)
        out[fid] = {
            "document_id": did,
            "filename": filename,
            "before": text[ss:s],
            "evidence": text[s:e],
            "after": text[e:se],
        }
    return out
