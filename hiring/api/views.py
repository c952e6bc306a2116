"""The API: /api/v1/, JSON, bearer tokens with scopes, described by OpenAPI 3.1.

Spectree builds the OpenAPI document from the same pydantic schemas that validate each
request and shape each response. A personal token reads exactly what its user reads in
the browser (their openings, independence per interview, confidential openings); a
service token reads as an admin does. Errors are problem details, never a page.
"""

import copy
import hashlib
from functools import cache, wraps

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for
from flask_login import AnonymousUserMixin
from spectree import Response, SpecTree
from spectree.models import SecurityScheme
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from hiring.api import harvest, schemas, tokens
from hiring.api.schemas import Problem
from hiring.audit.operations import record
from hiring.auth.models import Role, User
from hiring.debrief.queries import decisions as decisions_of
from hiring.errors import problem
from hiring.extensions import db, limiter, utcnow
from hiring.interviews import queries as interviews
from hiring.interviews import reach
from hiring.interviews.models import Application, Candidate, Scorecard
from hiring.interviews.search import matches
from hiring.openings.models import Opening, OpeningStatus
from hiring.openings.queries import plan_options, visible, visible_ids
from hiring.scorecards.operations import content
from hiring.security import public

bp = Blueprint("api", __name__, url_prefix="/api/v1")
docs_bp = Blueprint("api_docs", __name__)


def _invalid(req, resp, error, instance) -> None:
    """A request its schema refuses: problem details naming each field."""
    if error is not None:
        errors = {
            ".".join(str(part) for part in e["loc"]) or "body": e["msg"] for e in error.errors()
        }
        raise _Refused(problem(422, "Some parameters are not valid.", errors))


class _Refused(HTTPException):
    def __init__(self, response):
        super().__init__(response=response)


spec = SpecTree(
    "flask",
    mode="strict",
    title="Scorecards API",
    version="1",
    description="Openings, candidates, scorecards and decisions, for the systems a hiring "
    "team runs beside this one. Authenticate with the header Authorization: Bearer <token>.",
    openapi_version="3.1.0",
    page_templates={},
    naming_strategy=lambda model: model.__name__,
    before=_invalid,
    validation_error_model=Problem,
    security_schemes=[
        SecurityScheme(
            name="bearer",
            data={"type": "http", "scheme": "bearer", "description": "An API token"},
        )
    ],
    security={"bearer": []},
)


class ServiceReader:
    """Whom a service token reads as: an admin who sits on no panel."""

    id = 0
    role = Role.ADMIN
    is_admin = True
    is_manager = True
    active = True


def _token_key() -> str:
    """Rate limits count per token (a digest of it), or per address without one."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret:
        return "token:" + hashlib.sha256(secret.strip().encode()).hexdigest()[:32]
    return "address:" + (request.remote_addr or "")


def _rate() -> str:
    return current_app.config["API_RATE_LIMIT"]


limiter.limit(_rate, key_func=_token_key)(bp)


@bp.before_request
def _authenticate():
    """The bearer token, or 401. The session cookie never reaches the API: a token is
    the only credential, so no page of another site can call it with a user's cookie."""
    g._login_user = AnonymousUserMixin()
    g.reach = None
    if request.endpoint == "api.openapi":
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = tokens.find(secret.strip(), utcnow()) if scheme.lower() == "bearer" else None
    if token is None:
        response = problem(401, "A valid API token is needed: Authorization: Bearer <token>.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    g.api_token = token
    g.actor_label = f"token {token.name}"
    if token.user is not None:
        g._login_user = token.user
        g.reader = token.user
        reach.set_for(token.user)
    else:
        g.reader = ServiceReader()
    return None


@bp.after_request
def _audited(response):
    """Every call is audited with its token's name; a GET answer carries an ETag."""
    if request.method == "GET" and response.status_code == 200:
        response.add_etag()
        response.make_conditional(request)
    token = g.get("api_token")
    if token is not None:
        record(
            "api.call",
            "api_token",
            token.id,
            token=token.name,
            method=request.method,
            path=request.path[:200],
            status=response.status_code,
        )
        db.session.commit()
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def needs(scope: str):
    """Refuse a token without `scope` (403, naming it)."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if scope not in g.api_token.scopes:
                return problem(403, f"This token lacks the scope {scope}.")
            return view(*args, **kwargs)

        guarded.scope = scope
        return guarded

    return decorate


def _cursor(query) -> int:
    """The id a page starts after (the cursor is the last id of the previous page)."""
    if query.cursor is None:
        return 0
    # The schema lets through up to nine digits: any of them is a place in the ids.
    return int(query.cursor)


def _page(stmt, model, query, shape):
    rows = db.session.scalars(
        stmt.where(model.id > _cursor(query)).order_by(model.id).limit(query.limit + 1)
    ).all()
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return [shape(row) for row in rows], (str(rows[-1].id) if more else None)


def _json(model):
    """A response model as JSON (datetimes in ISO 8601, as the schema says)."""
    return current_app.response_class(
        model.model_dump_json(), mimetype="application/json", status=200
    )


def _responses(model, created: bool = False, conflicts: bool = False) -> Response:
    """An operation's documented answers: the model (200, or 201 for a create), and the
    problems it may meet (401, 403, 404; 409 for a change)."""
    answers = {"HTTP_201" if created else "HTTP_200": model}
    answers |= {"HTTP_401": Problem, "HTTP_403": Problem, "HTTP_404": Problem}
    if conflicts:
        answers["HTTP_409"] = Problem
    return Response(**answers)


# Openings


def _opening_out(opening: Opening) -> schemas.OpeningOut:
    return schemas.OpeningOut(
        id=opening.id,
        title=opening.title,
        team=opening.team,
        location=opening.location,
        headcount=opening.headcount,
        status=opening.status.value,
        confidential=opening.confidential,
        created_at=opening.created_at,
        opened_at=opening.opened_at,
        closed_at=opening.closed_at,
        hiring_team=[
            schemas.TeamMember(user_id=m.user_id, name=m.user.name, role=m.role.value)
            for m in opening.members
        ],
        attributes=[
            schemas.AttributeOut(id=a.id, name=a.name, category=a.category, must_have=a.must_have)
            for a in opening.attributes
        ],
        stages=[
            schemas.StageOut(
                id=s.id,
                name=s.name,
                position=s.position,
                interviews=[
                    schemas.PlannedOut(
                        id=p.id,
                        title=p.title,
                        kit=p.kit_version.kit.title,
                        kit_version=p.kit_version.number,
                        duration_minutes=p.duration_minutes,
                        panel_size=p.panel_size,
                        focus=[a.id for a in p.focus],
                    )
                    for p in s.interviews
                ],
            )
            for s in opening.stages
        ],
    )


@bp.get("/openings")
@public
@spec.validate(query=schemas.OpeningQuery, resp=_responses(schemas.OpeningPage), tags=["openings"])
@needs("openings:read")
def openings():
    """Openings the token reads, by id.

    A personal token reads the openings whose hiring team its user is on (an admin's,
    every one); a service token every one. Scope: openings:read."""
    query = request.context.query
    stmt = select(Opening).where(visible(g.reader)).options(*plan_options())
    if query.status:
        stmt = stmt.where(Opening.status == OpeningStatus(query.status))
    data, next_cursor = _page(stmt, Opening, query, _opening_out)
    return _json(schemas.OpeningPage(data=data, next_cursor=next_cursor))


@bp.get("/openings/<int:opening_id>")
@public
@spec.validate(resp=_responses(schemas.OpeningOut), tags=["openings"])
@needs("openings:read")
def opening(opening_id: int):
    """One opening: its hiring team, scorecard of attributes and interview plan.

    Scope: openings:read."""
    found = db.session.scalar(
        select(Opening).where(Opening.id == opening_id, visible(g.reader)).options(*plan_options())
    )
    if found is None:
        return problem(404, "There is no such opening, or not for this token.")
    return _json(_opening_out(found))


# Candidates


def application_out(application: Application) -> schemas.ApplicationOut:
    stage = application.stage
    return schemas.ApplicationOut(
        id=application.id,
        opening_id=application.opening_id,
        stage=schemas.StageRef(id=stage.id, name=stage.name) if stage else None,
        status=application.status.value,
        reason=application.reason,
        applied_at=application.applied_at,
        stage_entered_at=application.stage_entered_at,
        closed_at=application.closed_at,
        updated_at=application.updated_at,
    )


def _candidates_out(candidates: list[Candidate]) -> list[schemas.CandidateOut]:
    """With their applications to the openings the reader reads (two queries)."""
    seen = set(db.session.scalars(visible_ids(g.reader)))
    return [
        schemas.CandidateOut(
            id=c.id,
            name=c.name,
            email=c.email,
            role=c.role,
            source=c.source,
            created_at=c.created_at,
            updated_at=c.updated_at,
            applications=[application_out(a) for a in c.applications if a.opening_id in seen],
        )
        for c in candidates
    ]


def _with_applications():
    return selectinload(Candidate.applications).joinedload(Application.stage)


@bp.get("/candidates")
@public
@spec.validate(
    query=schemas.CandidateQuery, resp=_responses(schemas.CandidatePage), tags=["candidates"]
)
@needs("candidates:read")
def candidates():
    """Candidates the token reads, by id, with their applications.

    A personal token reads the candidates of its user's openings (and those of no
    opening). With `updated_since`, only those changed since (their details or an
    application): keep the time of a sync and pass it to the next. Scope: candidates:read."""
    query = request.context.query
    stmt = (
        select(Candidate)
        .where(interviews.managed_candidates(g.reader))
        .options(_with_applications())
    )
    if query.q and query.q.strip():
        stmt = stmt.where(matches(query.q))
    if query.updated_since is not None:
        since = query.updated_since
        stmt = stmt.where(
            or_(
                Candidate.updated_at >= since,
                Candidate.id.in_(
                    select(Application.candidate_id).where(Application.updated_at >= since)
                ),
            )
        )
    rows, next_cursor = _page(stmt, Candidate, query, lambda c: c)
    return _json(schemas.CandidatePage(data=_candidates_out(rows), next_cursor=next_cursor))


@bp.get("/candidates/<int:candidate_id>")
@public
@spec.validate(resp=_responses(schemas.CandidateOut), tags=["candidates"])
@needs("candidates:read")
def candidate(candidate_id: int):
    """One candidate with their applications. Scope: candidates:read."""
    found = db.session.scalar(
        interviews.managed_candidate(g.reader, candidate_id).options(_with_applications())
    )
    if found is None:
        return problem(404, "There is no such candidate, or not for this token.")
    return _json(_candidates_out([found])[0])


# Scorecards


def _scorecard_out(card: Scorecard) -> schemas.ScorecardOut:
    version = card.interview.kit_version
    values = content(card)
    scale = len(version.scale)
    tiers = {item.id: values[f"item:{item.id}:tier"] or None for item in version.items}
    return schemas.ScorecardOut(
        id=card.id,
        candidate_id=card.interview.candidate_id,
        application_id=card.interview.application_id,
        interview_id=card.interview_id,
        interviewer=schemas.Person(id=card.interviewer.id, name=card.interviewer.name),
        kit=version.kit.title,
        kit_version=version.number,
        interviewed_at=card.interview.scheduled_at,
        submitted_at=card.submitted_at,
        recommendation=card.recommendation.value if card.recommendation else None,
        recommendation_label=harvest.label_of(card),
        summary=card.summary,
        ratings=[
            schemas.RatingOut(
                competency=kc.display_name,
                value=values[f"rating:{kc.id}:value"],
                scale=scale,
                not_assessed=values[f"rating:{kc.id}:not_assessed"],
                evidence=values[f"rating:{kc.id}:evidence"],
            )
            for kc in version.competencies
        ],
        answers=[
            schemas.AnswerOut(
                question=item.display_prompt,
                tier=tiers[item.id],
                notes=values[f"item:{item.id}:notes"],
            )
            for item in version.items
        ],
    )


def _readable(scorecard_id: int) -> Scorecard | None:
    """A submitted scorecard the reader may read, by the browser's rules."""
    card = db.session.scalar(
        interviews.scorecards_with_content().where(
            Scorecard.id == scorecard_id, Scorecard.submitted_at.is_not(None)
        )
    )
    if card is None or card.interview.cancelled:
        return None
    access = interviews.access_to(g.reader, card.interview.candidate_id)
    return card if access.may_read(card) else None


@bp.get("/scorecards")
@public
@spec.validate(
    query=schemas.OfCandidate, resp=_responses(schemas.ScorecardList), tags=["scorecards"]
)
@needs("scorecards:read")
def scorecards():
    """A candidate's submitted scorecards the token reads, in interview order.

    A personal token follows the independence rules: colleagues' scorecards of an
    interview are left out while the user's own for it is not submitted. Scope:
    scorecards:read."""
    candidate_id = request.context.query.candidate_id
    access = interviews.access_to(g.reader, candidate_id)
    if not access.may_open_candidate():
        return problem(404, "There is no such candidate, or not for this token.")
    readable = access.readable(interviews.submitted_with_content(candidate_id))
    return _json(schemas.ScorecardList(data=[_scorecard_out(s) for s in readable]))


def _shaped(scorecard_id: int, shape):
    card = _readable(scorecard_id)
    if card is None:
        return problem(404, "There is no such submitted scorecard, or not for this token.")
    return _json(shape(card))


@bp.get("/scorecards/<int:scorecard_id>")
@public
@spec.validate(resp=_responses(schemas.ScorecardOut), tags=["scorecards"])
@needs("scorecards:read")
def scorecard(scorecard_id: int):
    """One submitted scorecard: ratings with evidence, answers with notes, the
    recommendation. Scope: scorecards:read."""
    return _shaped(scorecard_id, _scorecard_out)


@bp.get("/scorecards/<int:scorecard_id>/harvest")
@public
@spec.validate(resp=_responses(schemas.HarvestScorecard), tags=["scorecards"])
@needs("scorecards:read")
def scorecard_harvest(scorecard_id: int):
    """One submitted scorecard in the Greenhouse Harvest shape (see the schema for how
    scale points and recommendations map). Scope: scorecards:read."""
    return _shaped(scorecard_id, harvest.shaped)


@bp.get("/scorecards/<int:scorecard_id>/merge")
@public
@spec.validate(resp=_responses(schemas.MergeScorecard), tags=["scorecards"])
@needs("scorecards:read")
def scorecard_merge(scorecard_id: int):
    """One submitted scorecard in Merge's ATS Scorecard model. Scope: scorecards:read."""
    return _shaped(scorecard_id, harvest.merged)


# Decisions and users


@bp.get("/decisions")
@public
@spec.validate(query=schemas.OfCandidate, resp=_responses(schemas.DecisionList), tags=["decisions"])
@needs("decisions:read")
def decisions():
    """A candidate's decisions, oldest first (the last of an application is in force).

    Hidden, as in the browser, while the token's user has a scorecard pending for the
    candidate. Scope: decisions:read."""
    candidate_id = request.context.query.candidate_id
    access = interviews.access_to(g.reader, candidate_id)
    if not access.may_open_candidate():
        return problem(404, "There is no such candidate, or not for this token.")
    if not access.may_read_decision():
        return problem(403, "Decisions are hidden while your own scorecard is pending.")
    return _json(
        schemas.DecisionList(
            data=[
                schemas.DecisionOut(
                    id=d.id,
                    candidate_id=d.candidate_id,
                    application_id=d.application_id,
                    outcome=d.outcome,
                    rationale=d.rationale,
                    decided_by=schemas.Person(id=d.decided_by.id, name=d.decided_by.name)
                    if d.decided_by
                    else None,
                    decided_at=d.decided_at,
                )
                for d in decisions_of(candidate_id)
            ]
        )
    )


@bp.get("/users")
@public
@spec.validate(query=schemas.PageQuery, resp=_responses(schemas.UserPage), tags=["users"])
@needs("users:read")
def users():
    """Users, by id. Scope: users:read."""
    data, next_cursor = _page(
        select(User),
        User,
        request.context.query,
        lambda u: schemas.UserOut(
            id=u.id, name=u.name, email=u.email, role=u.role.value, active=u.active
        ),
    )
    return _json(schemas.UserPage(data=data, next_cursor=next_cursor))


PROBLEM = "application/problem+json"


@cache
def document() -> dict:
    """The OpenAPI 3.1 document: spectree's, with every error answered as problem
    details (their media type) and the rate limit's 429 on every operation."""
    described = copy.deepcopy(spec.spec)
    problem_schema = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for methods in described["paths"].values():
        for operation in methods.values():
            for status, answer in operation["responses"].items():
                if status.startswith("4") and "content" in answer:
                    answer["content"] = {PROBLEM: answer["content"]["application/json"]}
            operation["responses"]["429"] = {
                "description": "Too Many Requests: this token's calls are over the limit",
                "content": {PROBLEM: problem_schema},
            }
    return described


@bp.get("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(document())


@docs_bp.get("/api/docs")
@public
def docs():
    """The API's reference, drawn from its OpenAPI document on the server: nothing is
    loaded from elsewhere."""
    described = document()
    operations = [
        (path, method.upper(), operation)
        for path, methods in described["paths"].items()
        for method, operation in methods.items()
    ]
    return render_template(
        "api/docs.html",
        document=described,
        operations=operations,
        scopes=tokens.SCOPES,
        spec_url=url_for("api.openapi"),
    )
