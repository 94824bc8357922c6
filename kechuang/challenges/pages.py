"""Challenge pages (揭榜挂帅): the 榜单 list, making a challenge from demands, a challenge with its stage
actions, bids, screening, reviewer assignments, result and objections; the bid form; a bid with its
eligibility checks and reviews (the scoring form for its reviewer); an expert's review tasks. Thin over
``service``; forms take money in 万元."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.auth.policy import Permission, allowed, require
from kechuang.chains.service import chains as atlas_chains
from kechuang.challenges import eligibility, service
from kechuang.challenges.models import Challenge
from kechuang.challenges.service import BidValues, ChallengeValues, Upload
from kechuang.choices import BidStatus, ChallengeStatus
from kechuang.errors import InvalidInput, Problem
from kechuang.matching import service as demands
from kechuang.web import forms
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.downloads import attachment
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)
LABELS = {
    "title": "榜单名称",
    "problem": "攻关问题",
    "targets": "技术指标",
    "conditions": "揭榜条件",
    "rd_staff_min": "研发人员不少于",
    "fiscal_budget": "财政资金（万元）",
    "self_budget": "自筹资金（万元）",
    "duration_months": "实施周期（月）",
    "deadline": "揭榜截止时间",
    "contact": "联系人",
    "demand_ids": "来源需求",
    "chain_code": "产业链",
    "node_code": "图谱节点",
    "status": "阶段",
    "note": "说明",
    "publicity_days": "公示天数",
    "winner_bid_id": "拟立项申报",
    "capability_id": "揭榜所用能力档案",
    "bidder": "揭榜单位",
    "leader": "项目负责人",
    "plan": "技术方案",
    "milestones": "里程碑",
    "kpis": "考核指标",
    "rd_staff": "研发人员数",
    "submitted_at": "申报时间",
    "reviewer_id": "评审专家",
    "bid_id": "申报",
    "scores": "评分",
    "text": "异议内容",
    "objection_id": "异议",
    "enterprise_id": "企业",
    "files": "附件",
}


def _msgs(exc: InvalidInput) -> list[str]:
    return forms.messages(exc, LABELS)


def _ids(raw: str) -> list[int]:
    return [int(x) for x in re.split(r"[，,、\s]+", raw) if x.isdigit() and len(x) < 16]


def _conditions(form: dict[str, str], problems: list[Problem]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if form.get("local"):
        out.append({"kind": "local", "text": "揭榜单位在扬州市内注册"})
    staff = forms.whole(form.get("rd_staff_min", ""), "rd_staff_min", problems, "人数")
    if staff:
        out.append({"kind": "rd_staff", "value": staff})
    if form.get("hnte"):
        out.append({"kind": "hnte", "text": "揭榜单位为有效期内的高新技术企业"})
    out += [
        {"kind": "declared", "text": x.strip()} for x in form.get("declared", "").splitlines() if x.strip()
    ]
    return out


def challenge_values(ctx: Ctx, form: dict[str, str]) -> ChallengeValues:
    """The challenge form as values; its own problems (money, dates, lines) raised with the service's."""
    problems: list[Problem] = []
    values = ChallengeValues(
        title=form.get("title", ""),
        problem=form.get("problem", ""),
        deadline=forms.moment(form.get("deadline", ""), "deadline", problems),
        targets=forms.indicators(form.get("targets", ""), "targets", problems),
        conditions=_conditions(form, problems),
        chain_code=form.get("chain_code") or None,
        node_code=form.get("node_code") or None,
        fiscal_budget=forms.wan(form, "fiscal_budget", problems) or 0,
        self_budget=forms.wan(form, "self_budget", problems) or 0,
        duration_months=forms.whole(form.get("duration_months", ""), "duration_months", problems, "月数")
        or 0,
        contact=form.get("contact", ""),
        demand_ids=_ids(form.get("demand_ids", "")),
    )
    forms.raise_all(problems, lambda: service.check_challenge(ctx.session, values, datetime.now()))
    return values


def _form_of(ch: Challenge, demand_ids: list[int]) -> dict[str, str]:
    """A stored challenge as its form."""
    cond = {c["kind"]: c for c in ch.conditions}
    return {
        "title": ch.title,
        "problem": ch.problem,
        "deadline": f"{ch.deadline:%Y-%m-%dT%H:%M}",
        "targets": demands.indicator_text(ch.targets).replace("；", "\n"),
        "local": "1" if "local" in cond else "",
        "rd_staff_min": str(cond["rd_staff"]["value"]) if "rd_staff" in cond else "",
        "hnte": "1" if "hnte" in cond else "",
        "declared": "\n".join(c["text"] for c in ch.conditions if c["kind"] == "declared"),
        "chain_code": ch.chain_code or "",
        "node_code": ch.node_code or "",
        "fiscal_budget": f"{ch.fiscal_budget / forms.WAN:g}",
        "self_budget": f"{ch.self_budget / forms.WAN:g}",
        "duration_months": str(ch.duration_months),
        "contact": ch.contact,
        "demand_ids": " ".join(str(i) for i in demand_ids),
    }


def _edit(
    ctx: Ctx, form: dict[str, str], problems: list[str], code: int, challenge_id: int | None
) -> Response:
    return render(
        ctx.request,
        "challenges/form.html",
        status_code=code,
        form=form,
        problems=problems,
        challenge_id=challenge_id,
        chains=[c for c, _ in atlas_chains(ctx.session)],
    )


@router.get("/challenges", response_class=HTMLResponse)
def challenges_page(status: str = "", ctx: Ctx = Depends(page_ctx)) -> Response:
    items = service.challenge_list(ctx.session, actor=ctx.actor, status=status or None)
    return render(
        ctx.request,
        "challenges/list.html",
        items=items,
        statuses=ChallengeStatus,
        status=status,
        chain_names={c.code: c.name for c, _ in atlas_chains(ctx.session)},
        can_manage=service.may_manage(ctx.actor),
        reviewer=allowed(ctx.actor, Permission.review_bids),
        now=datetime.now(),
    )


@router.get("/challenges/new", response_class=HTMLResponse)
def new_challenge(demand: list[int] = Query(default=[]), ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.manage_challenges, "揭榜挂帅榜单由市科技局发布和管理")
    draft = service.draft_from_demands(ctx.session, actor=ctx.actor, demand_ids=demand[:20])
    form = {
        "duration_months": "24",
        "local": "1",
        "declared": "近三年无严重失信行为记录",
        "title": draft.get("title", ""),
        "problem": draft.get("problem", ""),
        "targets": demands.indicator_text(draft.get("targets", [])).replace("；", "\n"),
        "chain_code": draft.get("chain_code", ""),
        "node_code": draft.get("node_code", ""),
        "fiscal_budget": f"{draft.get('fiscal_budget', 0) / forms.WAN:g}"
        if draft.get("fiscal_budget")
        else "",
        "demand_ids": " ".join(str(i) for i in draft.get("demand_ids", [])),
    }
    return _edit(ctx, form, [], 200, None)


@router.post("/challenges", response_class=HTMLResponse)
@router.post("/challenges/{challenge_id}/edit", response_class=HTMLResponse)
async def save_challenge(
    request: Request, challenge_id: int | None = None, ctx: Ctx = Depends(page_ctx)
) -> Response:
    require(ctx.actor, Permission.manage_challenges, "揭榜挂帅榜单由市科技局发布和管理")
    form = await forms.form_of(request)
    try:
        values = challenge_values(ctx, form)
        if challenge_id is None:
            ch = service.create_challenge(ctx.session, actor=ctx.actor, values=values, now=datetime.now())
        else:
            ch = service.update_challenge(
                ctx.session, actor=ctx.actor, challenge_id=challenge_id, values=values, now=datetime.now()
            )
    except InvalidInput as exc:
        ctx.session.rollback()
        return _edit(ctx, form, _msgs(exc), 422, challenge_id)
    return RedirectResponse(f"/challenges/{ch.id}", status_code=303)


@router.get("/challenges/{challenge_id}/edit", response_class=HTMLResponse)
def edit_challenge(challenge_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.manage_challenges, "揭榜挂帅榜单由市科技局发布和管理")
    ch = service.get_challenge(ctx.session, actor=ctx.actor, challenge_id=challenge_id)
    linked = [d.id for d in service.linked_demands(ctx.session, actor=ctx.actor, challenge_id=challenge_id)]
    return _edit(ctx, _form_of(ch, linked), [], 200, challenge_id)


def _challenge(ctx: Ctx, challenge_id: int, problems: list[str], code: int) -> Response:
    s, actor = ctx.session, ctx.actor
    ch = service.get_challenge(s, actor=actor, challenge_id=challenge_id)
    bids = service.bids_for(s, actor=actor, challenge_id=challenge_id)
    manage = service.may_manage(actor)
    now = datetime.now()
    reviews = service.reviews_for(s, actor=actor, challenge_id=challenge_id)
    return render(
        ctx.request,
        "challenges/challenge.html",
        status_code=code,
        ch=ch,
        status=ChallengeStatus(ch.status),
        statuses={s.value: s for s in ChallengeStatus},
        bid_statuses={s.value: s for s in BidStatus},
        criteria=service.criteria_of(ch),
        conditions=[eligibility.describe(c) for c in ch.conditions],
        chain_name=demands.chain_name(s, ch.chain_code),
        node_name=demands.node_name(s, ch.node_code),
        linked=service.linked_demands(s, actor=actor, challenge_id=challenge_id),
        history=service.history(s, actor=actor, challenge_id=challenge_id),
        open_objections={e.id for e in service.open_objections(s, ch.id)},
        bids=bids,
        reviews=reviews,
        reviewer_names=service.reviewer_names(s, [r.reviewer_id for r in reviews]),
        reviewers=service.reviewers(s) if manage else [],
        result=service.result(s, ch),
        steps=service.next_steps(s, actor, ch),
        manage=manage,
        may_bid=allowed(actor, Permission.bid_challenge) and ch.status == "published" and now <= ch.deadline,
        problems=problems,
        demand_statuses={s.value: s for s in demands.DemandStatus},
    )


@router.get("/challenges/{challenge_id}", response_class=HTMLResponse)
def challenge_page(challenge_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    return _challenge(ctx, challenge_id, [], 200)


def _back(challenge_id: int, anchor: str = "") -> Response:
    return RedirectResponse(f"/challenges/{challenge_id}{anchor}", status_code=303)


@router.post("/challenges/{challenge_id}/status", response_class=HTMLResponse)
async def challenge_status(challenge_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = await forms.form_of(request)
    problems: list[Problem] = []
    days = forms.whole(form.get("publicity_days", ""), "publicity_days", problems, "天数")
    try:
        if problems:
            raise InvalidInput(problems)
        service.move_challenge(
            ctx.session,
            actor=ctx.actor,
            challenge_id=challenge_id,
            status=form.get("status", ""),
            now=datetime.now(),
            note=form.get("note", ""),
            publicity_days=days,
            winner_bid_id=forms.int_id(form.get("winner_bid_id", "")),
        )
    except InvalidInput as exc:
        ctx.session.rollback()
        return _challenge(ctx, challenge_id, _msgs(exc), 422)
    return _back(challenge_id)


@router.post("/challenges/{challenge_id}/objections", response_class=HTMLResponse)
async def challenge_objection(challenge_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = await forms.form_of(request)
    try:
        service.object_to(ctx.session, actor=ctx.actor, challenge_id=challenge_id, text=form.get("text", ""))
    except InvalidInput as exc:
        ctx.session.rollback()
        return _challenge(ctx, challenge_id, _msgs(exc), 422)
    return _back(challenge_id, "#history")


@router.post("/challenges/{challenge_id}/objections/{objection_id}/answer", response_class=HTMLResponse)
async def challenge_answer(
    challenge_id: int, objection_id: int, request: Request, ctx: Ctx = Depends(page_ctx)
) -> Response:
    form = await forms.form_of(request)
    try:
        service.answer_objection(
            ctx.session,
            actor=ctx.actor,
            challenge_id=challenge_id,
            objection_id=objection_id,
            note=form.get("note", ""),
        )
    except InvalidInput as exc:
        ctx.session.rollback()
        return _challenge(ctx, challenge_id, _msgs(exc), 422)
    return _back(challenge_id, "#history")


# -- bids -------------------------------------------------------------------------------------------


def _milestones(text: str, problems: list[Problem]) -> list[dict[str, str]]:
    out = []
    for n, line in enumerate((x.strip() for x in text.splitlines() if x.strip()), start=1):
        m = re.match(r"^(\d{4}-\d{2}-\d{2})\s+(.+)$", line)
        if m is None:
            problems.append(Problem("milestones", f"第 {n} 行应为“YYYY-MM-DD 里程碑名称”", line))
            continue
        out.append({"planned_on": m.group(1), "name": m.group(2)})
    return out


async def uploads(request: Request) -> list[Upload]:
    """The files posted in the form's ``files`` field (an empty file input sends none)."""
    out = []
    for f in (await request.form()).getlist("files"):
        if not isinstance(f, str) and f.filename:
            out.append(Upload(f.filename, f.content_type or "", await f.read()))
    return out


def bid_values(ctx: Ctx, challenge_id: int, form: dict[str, str], files: list[Upload]) -> BidValues:
    """The bid form as values; its own problems raised with the service's."""
    problems: list[Problem] = []
    values = BidValues(
        leader=form.get("leader", ""),
        plan=form.get("plan", ""),
        milestones=_milestones(form.get("milestones", ""), problems),
        kpis=forms.indicators(form.get("kpis", ""), "kpis", problems),
        capability_id=forms.int_id(form.get("capability_id", "")),
        bidder=form.get("bidder", ""),
        partners=[p for p in re.split(r"[，,、\n]+", form.get("partners", "")) if p.strip()],
        team=form.get("team", ""),
        fiscal_budget=forms.wan(form, "fiscal_budget", problems) or 0,
        self_budget=forms.wan(form, "self_budget", problems) or 0,
        rd_staff=forms.whole(form.get("rd_staff", ""), "rd_staff", problems, "人数"),
        attachments=[x.strip() for x in form.get("attachments", "").splitlines() if x.strip()],
        declared=[int(k.removeprefix("declared_")) for k in form if re.fullmatch(r"declared_\d{1,3}", k)],
        files=files,
    )
    forms.raise_all(
        problems,
        lambda: service.check_bid(
            ctx.session, actor=ctx.actor, challenge_id=challenge_id, values=values, now=datetime.now()
        ),
    )
    return values


def _bid_form(ctx: Ctx, ch: Challenge, form: dict[str, str], problems: list[str], code: int) -> Response:
    return render(
        ctx.request,
        "challenges/bid_form.html",
        status_code=code,
        ch=ch,
        form=form,
        problems=problems,
        profiles=service.bid_profiles(ctx.session, actor=ctx.actor),
        declared=[(i, c["text"]) for i, c in enumerate(ch.conditions) if c["kind"] == "declared"],
        conditions=[eligibility.describe(c) for c in ch.conditions],
        paper=service.may_manage(ctx.actor),
    )


@router.get("/challenges/{challenge_id}/bid", response_class=HTMLResponse)
def new_bid(challenge_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.bid_challenge, "揭榜申报由企业、专家团队提交（或由市科技局代录纸质申报）")
    ch = service.get_challenge(ctx.session, actor=ctx.actor, challenge_id=challenge_id)
    kpis = demands.indicator_text(ch.targets).replace("；", "\n")
    return _bid_form(ctx, ch, {"kpis": kpis}, [], 200)


@router.post("/challenges/{challenge_id}/bids", response_class=HTMLResponse)
async def post_bid(challenge_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = await forms.form_of(request)
    try:
        bid = service.submit_bid(
            ctx.session,
            actor=ctx.actor,
            challenge_id=challenge_id,
            values=bid_values(ctx, challenge_id, form, await uploads(request)),
            now=datetime.now(),
        )
    except InvalidInput as exc:
        ctx.session.rollback()
        ch = service.get_challenge(ctx.session, actor=ctx.actor, challenge_id=challenge_id)
        return _bid_form(ctx, ch, form, _msgs(exc), 422)
    return RedirectResponse(f"/bids/{bid.id}", status_code=303)


def _bid(ctx: Ctx, bid_id: int, problems: list[str], code: int) -> Response:
    s, actor = ctx.session, ctx.actor
    bid = service.get_bid(s, actor=actor, bid_id=bid_id)
    ch = service.get_challenge(s, actor=actor, challenge_id=bid.challenge_id)
    reviews = [r for r in service.reviews_for(s, actor=actor, challenge_id=ch.id) if r.bid_id == bid.id]
    return render(
        ctx.request,
        "challenges/bid.html",
        status_code=code,
        bid=bid,
        ch=ch,
        status=BidStatus(bid.status),
        criteria=service.criteria_of(ch),
        reviews=reviews,
        mine=[r for r in reviews if r.reviewer_id == actor.user_id],
        reviewer_names=service.reviewer_names(s, [r.reviewer_id for r in reviews]),
        manage=service.may_manage(actor),
        screening=ch.status == ChallengeStatus.screening.value,
        reviewing=ch.status == ChallengeStatus.reviewing.value,
        may_withdraw=service.may_withdraw(actor, bid, ch, datetime.now()),
        files=service.bid_files(s, actor=actor, bid_id=bid.id),
        problems=problems,
    )


@router.get("/bids/{bid_id}", response_class=HTMLResponse)
def bid_page(bid_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    return _bid(ctx, bid_id, [], 200)


@router.get("/bids/{bid_id}/files/{file_id}")
def bid_file(bid_id: int, file_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    f = service.get_file(ctx.session, actor=ctx.actor, bid_id=bid_id, file_id=file_id)
    return attachment(f.data, f.name, f.content_type)


@router.post("/bids/{bid_id}/screen", response_class=HTMLResponse)
async def screen_bid(bid_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = await forms.form_of(request)
    try:
        service.decide_bid(
            ctx.session,
            actor=ctx.actor,
            bid_id=bid_id,
            eligible=form.get("eligible") == "1",
            note=form.get("note", ""),
        )
    except InvalidInput as exc:
        ctx.session.rollback()
        return _bid(ctx, bid_id, _msgs(exc), 422)
    return RedirectResponse(f"/bids/{bid_id}", status_code=303)


@router.post("/bids/{bid_id}/reviewers", response_class=HTMLResponse)
async def assign_reviewer(bid_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = await forms.form_of(request)
    reviewer = forms.int_id(form.get("reviewer_id", ""))
    try:
        if reviewer is None:
            raise InvalidInput([Problem("reviewer_id", "请选择评审专家", form.get("reviewer_id", ""))])
        bid = service.get_bid(ctx.session, actor=ctx.actor, bid_id=bid_id)
        service.assign_reviewer(ctx.session, actor=ctx.actor, bid_id=bid_id, reviewer_id=reviewer)
    except InvalidInput as exc:
        ctx.session.rollback()
        bid = service.get_bid(ctx.session, actor=ctx.actor, bid_id=bid_id)
        return _challenge(ctx, bid.challenge_id, _msgs(exc), 422)
    return _back(bid.challenge_id, "#bids")


@router.post("/bids/{bid_id}/withdraw", response_class=HTMLResponse)
def withdraw_bid(bid_id: int, ctx: Ctx = Depends(page_ctx)) -> Response:
    bid = service.withdraw_bid(ctx.session, actor=ctx.actor, bid_id=bid_id, now=datetime.now())
    return RedirectResponse(f"/bids/{bid.id}", status_code=303)


@router.post("/reviews/{review_id}", response_class=HTMLResponse)
async def score_bid(review_id: int, request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
    form = await forms.form_of(request)
    scores: dict[str, Any] = {}
    for key, raw in form.items():
        if key.startswith("score_"):
            try:
                scores[key.removeprefix("score_")] = float(raw) if raw.strip() else None
            except ValueError:
                scores[key.removeprefix("score_")] = raw
    try:
        r = service.submit_scores(
            ctx.session,
            actor=ctx.actor,
            review_id=review_id,
            scores=scores,
            comment=form.get("comment", ""),
            now=datetime.now(),
        )
    except InvalidInput as exc:
        ctx.session.rollback()
        r = service.get_review(ctx.session, actor=ctx.actor, review_id=review_id)
        return _bid(ctx, r.bid_id, _msgs(exc), 422)
    return RedirectResponse(f"/bids/{r.bid_id}?scored=1", status_code=303)


@router.get("/reviews", response_class=HTMLResponse)
def my_reviews(ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.review_bids, "评审任务只分配给专家账号")
    return render(
        ctx.request, "challenges/reviews.html", tasks=service.my_reviews(ctx.session, actor=ctx.actor)
    )
