"""Challenge API (揭榜挂帅): list and create challenges, move them through their stages, bid, screen,
assign reviewers, score, object and award. Thin over ``kechuang.challenges.service`` (the pages call the
same functions); a caller sees what the pages show it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from kechuang.challenges import service
from kechuang.challenges.models import Challenge
from kechuang.challenges.schemas import (
    AssignIn,
    AwardOut,
    BidIn,
    BidOut,
    ChallengeDetail,
    ChallengeIn,
    ChallengeOut,
    EventOut,
    ObjectionIn,
    ReviewOut,
    ScoresIn,
    ScreenIn,
    StageIn,
)
from kechuang.challenges.service import BidValues, ChallengeValues
from kechuang.choices import ChallengeStatus
from kechuang.errors import NotFound
from kechuang.web.api_common import COMMON, GUARDS, MAX_ID, NOT_FOUND
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["challenges"], responses=COMMON, dependencies=GUARDS)

ChallengeId = Annotated[int, Path(ge=1, le=MAX_ID, description="a challenge's id")]
BidId = Annotated[int, Path(ge=1, le=MAX_ID, description="a bid's id")]
ReviewId = Annotated[int, Path(ge=1, le=MAX_ID, description="a review assignment's id")]
PUBLIC_RESULT = (ChallengeStatus.publicity.value, ChallengeStatus.awarded.value)


def _out(ctx: Ctx, ch: Challenge) -> ChallengeOut:
    return ChallengeOut.of(ch, ch.status in PUBLIC_RESULT or service.may_manage(ctx.actor))


def _detail(ctx: Ctx, challenge_id: int) -> ChallengeDetail:
    ch = service.get_challenge(ctx.session, actor=ctx.actor, challenge_id=challenge_id)
    return ChallengeDetail(
        **_out(ctx, ch).model_dump(),
        demand_ids=[d.id for d in service.linked_demands(ctx.session, actor=ctx.actor, challenge_id=ch.id)],
        history=[EventOut.of(e) for e in service.history(ctx.session, actor=ctx.actor, challenge_id=ch.id)],
    )


def local(moment: datetime) -> datetime:
    """A deadline as the platform keeps it: naive, in the server's (the city's) local time."""
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone().replace(tzinfo=None)
    except (OverflowError, ValueError, OSError):  # at the calendar's ends: its wall-clock time
        return moment.replace(tzinfo=None)


def _values(body: ChallengeIn) -> ChallengeValues:
    return ChallengeValues(
        title=body.title,
        problem=body.problem,
        deadline=local(body.deadline),
        targets=[t.model_dump() for t in body.targets],
        conditions=[c.model_dump(exclude_none=True) for c in body.conditions],
        chain_code=body.chain_code,
        node_code=body.node_code,
        fiscal_budget=body.fiscal_budget,
        self_budget=body.self_budget,
        duration_months=body.duration_months,
        contact=body.contact,
        demand_ids=body.demand_ids,
    )


@router.get(
    "/challenges", response_model=list[ChallengeOut], summary="Challenge lists (榜单) the caller may see"
)
def list_challenges(status: ChallengeStatus | None = None, ctx: Ctx = Depends(api_ctx)) -> list[ChallengeOut]:
    """Published challenges for every role; drafts and cancelled ones for the bureau."""
    items = service.challenge_list(ctx.session, actor=ctx.actor, status=status.value if status else None)
    return [_out(ctx, c) for c in items]


@router.post(
    "/challenges",
    response_model=ChallengeDetail,
    status_code=201,
    summary="Make a challenge (草稿) from demands",
)
def create_challenge(body: ChallengeIn, ctx: Ctx = Depends(api_ctx)) -> ChallengeDetail:
    ch = service.create_challenge(ctx.session, actor=ctx.actor, values=_values(body), now=datetime.now())
    return _detail(ctx, ch.id)


@router.get(
    "/challenges/{challenge_id}",
    response_model=ChallengeDetail,
    responses=NOT_FOUND,
    summary="One challenge with its source demands and history",
)
def get_challenge(challenge_id: ChallengeId, ctx: Ctx = Depends(api_ctx)) -> ChallengeDetail:
    return _detail(ctx, challenge_id)


@router.put(
    "/challenges/{challenge_id}",
    response_model=ChallengeDetail,
    responses=NOT_FOUND,
    summary="Change a draft challenge",
)
def update_challenge(
    challenge_id: ChallengeId, body: ChallengeIn, ctx: Ctx = Depends(api_ctx)
) -> ChallengeDetail:
    service.update_challenge(
        ctx.session, actor=ctx.actor, challenge_id=challenge_id, values=_values(body), now=datetime.now()
    )
    return _detail(ctx, challenge_id)


@router.post(
    "/challenges/{challenge_id}/status",
    response_model=ChallengeDetail,
    responses=NOT_FOUND,
    summary="Move a challenge to its next stage (发布、形式审查、专家评审、公示、撤榜)",
)
def move_challenge(challenge_id: ChallengeId, body: StageIn, ctx: Ctx = Depends(api_ctx)) -> ChallengeDetail:
    service.move_challenge(
        ctx.session,
        actor=ctx.actor,
        challenge_id=challenge_id,
        status=body.status.value,
        now=datetime.now(),
        note=body.note,
        publicity_days=body.publicity_days,
        winner_bid_id=body.winner_bid_id,
    )
    return _detail(ctx, challenge_id)


@router.post(
    "/challenges/{challenge_id}/award",
    response_model=AwardOut,
    responses=NOT_FOUND,
    summary="立项: award the publicised winner; creates the key project (揭榜挂帅) and signs the demands",
)
def award(challenge_id: ChallengeId, ctx: Ctx = Depends(api_ctx)) -> AwardOut:
    """Refused before the public notice is over, with an open objection, or without a passed review."""
    ch = service.move_challenge(
        ctx.session,
        actor=ctx.actor,
        challenge_id=challenge_id,
        status="awarded",
        now=datetime.now(),
        note="立项",
    )
    assert ch.project_id is not None
    linked = service.linked_demands(ctx.session, actor=ctx.actor, challenge_id=ch.id)
    return AwardOut(challenge=_out(ctx, ch), project_id=ch.project_id, signed_demands=[d.id for d in linked])


@router.get(
    "/challenges/{challenge_id}/bids",
    response_model=list[BidOut],
    responses=NOT_FOUND,
    summary="A challenge's bids: all for the bureau; a bidder's own and a reviewer's assigned ones",
)
def list_bids(challenge_id: ChallengeId, ctx: Ctx = Depends(api_ctx)) -> list[BidOut]:
    return [BidOut.of(b) for b in service.bids_for(ctx.session, actor=ctx.actor, challenge_id=challenge_id)]


@router.post(
    "/challenges/{challenge_id}/bids",
    response_model=BidOut,
    status_code=201,
    responses=NOT_FOUND,
    summary="Bid (揭榜申报) before the deadline; eligibility is checked at once",
)
def submit_bid(challenge_id: ChallengeId, body: BidIn, ctx: Ctx = Depends(api_ctx)) -> BidOut:
    values = BidValues(
        **{
            **body.model_dump(exclude={"milestones", "kpis"}),
            "milestones": [{"name": m.name, "planned_on": m.planned_on.isoformat()} for m in body.milestones],
            "kpis": [k.model_dump() for k in body.kpis],
        }
    )
    bid = service.submit_bid(
        ctx.session, actor=ctx.actor, challenge_id=challenge_id, values=values, now=datetime.now()
    )
    return BidOut.of(bid)


@router.post(
    "/bids/{bid_id}/screening",
    response_model=BidOut,
    responses=NOT_FOUND,
    summary="形式审查: pass or fail one bid, with the reason",
)
def screen_bid(bid_id: BidId, body: ScreenIn, ctx: Ctx = Depends(api_ctx)) -> BidOut:
    return BidOut.of(
        service.decide_bid(
            ctx.session, actor=ctx.actor, bid_id=bid_id, eligible=body.eligible, note=body.note
        )
    )


@router.get(
    "/challenges/{challenge_id}/reviews",
    response_model=list[ReviewOut],
    responses=NOT_FOUND,
    summary="Review assignments with their scores: all for the bureau; a reviewer's own",
)
def list_reviews(challenge_id: ChallengeId, ctx: Ctx = Depends(api_ctx)) -> list[ReviewOut]:
    return [
        ReviewOut.of(r) for r in service.reviews_for(ctx.session, actor=ctx.actor, challenge_id=challenge_id)
    ]


@router.post(
    "/challenges/{challenge_id}/reviews",
    response_model=ReviewOut,
    status_code=201,
    responses=NOT_FOUND,
    summary="Assign a reviewer to a bid (refused on a conflict of interest)",
)
def assign_reviewer(challenge_id: ChallengeId, body: AssignIn, ctx: Ctx = Depends(api_ctx)) -> ReviewOut:
    bid = service.get_bid(ctx.session, actor=ctx.actor, bid_id=body.bid_id)
    if bid.challenge_id != challenge_id:
        raise NotFound(f"榜单 {challenge_id} 没有申报 {body.bid_id}")
    return ReviewOut.of(
        service.assign_reviewer(
            ctx.session, actor=ctx.actor, bid_id=body.bid_id, reviewer_id=body.reviewer_id
        )
    )


@router.put(
    "/reviews/{review_id}",
    response_model=ReviewOut,
    responses=NOT_FOUND,
    summary="A reviewer's scores on the published criteria",
)
def submit_scores(review_id: ReviewId, body: ScoresIn, ctx: Ctx = Depends(api_ctx)) -> ReviewOut:
    r = service.submit_scores(
        ctx.session,
        actor=ctx.actor,
        review_id=review_id,
        scores=body.scores,
        comment=body.comment,
        now=datetime.now(),
    )
    return ReviewOut.of(r)


@router.post(
    "/challenges/{challenge_id}/objections",
    response_model=EventOut,
    status_code=201,
    responses=NOT_FOUND,
    summary="An objection (异议) to a publicised result",
)
def object_to(challenge_id: ChallengeId, body: ObjectionIn, ctx: Ctx = Depends(api_ctx)) -> EventOut:
    return EventOut.of(
        service.object_to(ctx.session, actor=ctx.actor, challenge_id=challenge_id, text=body.text)
    )
