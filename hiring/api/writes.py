"""The API's writes: candidates and applications, interviews. Each runs the same
operation the pages run (the same checks, audit, invitations and webhooks), as the
token's user (a service token as no one in particular, with an admin's reach). A create
sent with an `Idempotency-Key` header is done once: a retry gets the first answer."""

import base64
import binascii
import hashlib
from datetime import timedelta
from functools import wraps

from flask import current_app, g, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from hiring import tasks
from hiring.api import schemas
from hiring.api.models import IdempotentRequest
from hiring.api.views import (
    _candidates_out,
    _json,
    _responses,
    _with_applications,
    application_out,
    bp,
    needs,
    spec,
)
from hiring.auth.models import User
from hiring.auth.queries import active_users
from hiring.domain import DomainError
from hiring.errors import problem
from hiring.extensions import csrf, db, utcnow
from hiring.interviews import applications as pipeline
from hiring.interviews import attachments
from hiring.interviews import operations as ops
from hiring.interviews import queries as interviews
from hiring.interviews.models import Application, Candidate, Interview
from hiring.kits.models import KitVersion
from hiring.openings.models import Opening
from hiring.openings.queries import manages
from hiring.security import public

# A bearer token, never a cookie, authenticates these: there is no form to forge.
csrf.exempt(bp)


def _user():
    """Who the operation is done as: the token's user; None for a service token."""
    return g.api_token.user


def _by_id() -> int | None:
    user = _user()
    return user.id if user else None


def idempotent(view):
    """With an Idempotency-Key header, do the create once per token and key: a retry of
    the same request gets the first answer again; the key with another request, a 422."""

    @wraps(view)
    def once(*args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return view(*args, **kwargs)
        if len(key) > 100:
            return problem(422, "An Idempotency-Key is at most 100 characters.")
        fingerprint = hashlib.sha256(
            b"\n".join([request.method.encode(), request.path.encode(), request.get_data()])
        ).hexdigest()
        token_id = g.api_token.id
        done = db.session.scalar(
            select(IdempotentRequest).where(
                IdempotentRequest.token_id == token_id, IdempotentRequest.key == key
            )
        )
        if done is not None and done.created_at < _keys_kept_since():
            # A key is remembered for API_IDEMPOTENCY_HOURS: after that it is new again.
            db.session.delete(done)
            db.session.flush()
            done = None
        if done is not None:
            if done.fingerprint != fingerprint:
                return problem(422, "This Idempotency-Key was used for another request.")
            replay = current_app.response_class(
                done.body, status=done.status, mimetype="application/json"
            )
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        response = view(*args, **kwargs)
        if 200 <= response.status_code < 300:
            db.session.add(
                IdempotentRequest(
                    token_id=token_id,
                    key=key,
                    fingerprint=fingerprint,
                    status=response.status_code,
                    body=response.get_data(as_text=True),
                )
            )
            try:
                db.session.commit()
            except IntegrityError:  # the same key, at the same moment, from a retry
                db.session.rollback()
        return response

    return once


def _keys_kept_since():
    return utcnow() - timedelta(hours=current_app.config["API_IDEMPOTENCY_HOURS"])


def forget_old_keys() -> int:
    """Delete the Idempotency-Keys older than API_IDEMPOTENCY_HOURS. Returns how many."""
    gone = db.session.execute(
        delete(IdempotentRequest).where(IdempotentRequest.created_at < _keys_kept_since())
    ).rowcount
    db.session.commit()
    return gone


@tasks.periodic(minute="35")
def forget_keys() -> None:
    """Each hour: forget expired Idempotency-Keys (forget_old_keys)."""
    forget_old_keys()


def _created(model, status: int = 201):
    response = _json(model)
    response.status_code = status
    return response


def _refused(error: DomainError):
    db.session.rollback()
    errors = {k: str(v) for k, v in (error.errors or {}).items()} or None
    return problem(error.kind.value, error.message, errors)


def _managed_opening(opening_id: int) -> Opening | None:
    opening = db.session.get(Opening, opening_id)
    if opening is None or not manages(g.reader, opening.id):
        return None
    return opening


def _managed_candidate(candidate_id: int) -> Candidate | None:
    return db.session.scalar(interviews.managed_candidate(g.reader, candidate_id))


def _managed_application(application_id: int) -> Application | None:
    application = db.session.scalar(interviews.application(application_id))
    if application is None or not manages(g.reader, application.opening_id):
        return None
    return application


def _interview_out(interview: Interview) -> schemas.InterviewOut:
    version = interview.kit_version
    return schemas.InterviewOut(
        id=interview.id,
        candidate_id=interview.candidate_id,
        application_id=interview.application_id,
        planned_interview_id=interview.planned_interview_id,
        kit=version.kit.title,
        kit_version=version.number,
        scheduled_at=interview.scheduled_at,
        duration_minutes=interview.duration_minutes,
        location=interview.location,
        link=interview.link,
        cancelled=interview.cancelled_at is not None,
        panel=[
            schemas.Person(id=s.interviewer.id, name=s.interviewer.name) for s in interview.panel
        ],
    )


def _managed_interview(interview_id: int) -> Interview | None:
    return db.session.scalar(
        interviews.interview_with_panel(interview_id).where(interviews.managed_interviews(g.reader))
    )


def _interview_answer(interview_id: int, status: int = 200):
    """The interview as it now stands (read again after the change's commit)."""
    response = _json(
        _interview_out(db.session.scalar(interviews.interview_with_panel(interview_id)))
    )
    response.status_code = status
    return response


@bp.post("/candidates")
@public
@spec.validate(
    json=schemas.CandidateIn,
    resp=_responses(schemas.CandidateOut, created=True, conflicts=True),
    tags=["candidates"],
)
@needs("candidates:write")
@idempotent
def candidate_create():
    """Add a candidate; with `opening_id`, they apply to that open opening at once.

    Scope: candidates:write. Send an Idempotency-Key to make a retry safe."""
    body = request.context.json
    opening = None
    if body.opening_id is not None:
        opening = _managed_opening(body.opening_id)
        if opening is None:
            return problem(404, "There is no such opening, or not for this token.")
    try:
        candidate = ops.save_candidate(
            None,
            name=body.name,
            email=body.email,
            role=body.role or (opening.title if opening else ""),
            source=body.source,
            notes=body.notes,
        )
        if opening is not None:
            pipeline.apply(candidate, opening, _user())
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    found = db.session.scalar(
        select(Candidate).where(Candidate.id == candidate.id).options(_with_applications())
    )
    return _created(_candidates_out([found])[0])


@bp.patch("/candidates/<int:candidate_id>")
@public
@spec.validate(
    json=schemas.CandidatePatch,
    resp=_responses(schemas.CandidateOut, conflicts=True),
    tags=["candidates"],
)
@needs("candidates:write")
def candidate_update(candidate_id: int):
    """Change a candidate's details (only the fields sent). Scope: candidates:write."""
    candidate = _managed_candidate(candidate_id)
    if candidate is None:
        return problem(404, "There is no such candidate, or not for this token.")
    body = request.context.json
    fields = {
        name: getattr(body, name) if getattr(body, name) is not None else getattr(candidate, name)
        for name in ("name", "email", "role", "source", "notes")
    }
    try:
        ops.save_candidate(candidate, **fields)
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    return _json(_candidates_out([candidate])[0])


@bp.post("/applications")
@public
@spec.validate(
    json=schemas.ApplicationIn,
    resp=_responses(schemas.ApplicationOut, created=True, conflicts=True),
    tags=["candidates"],
)
@needs("candidates:write")
@idempotent
def application_create():
    """The candidate applies to an open opening, at its plan's first stage.

    Scope: candidates:write."""
    body = request.context.json
    candidate = _managed_candidate(body.candidate_id)
    opening = _managed_opening(body.opening_id)
    if candidate is None or opening is None:
        return problem(404, "There is no such candidate or opening, or not for this token.")
    try:
        application = pipeline.apply(candidate, opening, _user())
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    return _created(application_out(application))


@bp.post("/applications/<int:application_id>/move")
@public
@spec.validate(
    json=schemas.MoveIn, resp=_responses(schemas.MoveOut, conflicts=True), tags=["candidates"]
)
@needs("candidates:write")
def application_move(application_id: int):
    """Advance, move back, reject (with a reason), withdraw, hire or reopen an
    application, or move it to a stage (`to`). With `seen_stage_id`, refused (409) when
    it moved meanwhile. Scope: candidates:write."""
    application = _managed_application(application_id)
    if application is None:
        return problem(404, "There is no such application, or not for this token.")
    body = request.context.json
    try:
        said = pipeline.move(
            application,
            body.action,
            _user(),
            seen_stage_id=body.seen_stage_id or application.stage_id,
            seen_status=application.status.value,
            reason=body.reason,
            to_stage_id=body.to_stage_id,
        )
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    application = db.session.scalar(interviews.application(application_id))
    return _json(schemas.MoveOut(said=said, application=application_out(application)))


@bp.post("/interviews")
@public
@spec.validate(
    json=schemas.InterviewIn,
    resp=_responses(schemas.InterviewOut, created=True, conflicts=True),
    tags=["interviews"],
)
@needs("interviews:write")
@idempotent
def interview_create():
    """Schedule an interview of an application: the plan's (`planned_interview_id`, whose
    kit and length it takes) or ad hoc (`kit_version_id`); the panel is invited.

    Scope: interviews:write."""
    body = request.context.json
    application = _managed_application(body.application_id)
    if application is None:
        return problem(404, "There is no such application, or not for this token.")
    planned = None
    if body.planned_interview_id is not None:
        planned = next(
            (p for p in application.opening.planned if p.id == body.planned_interview_id), None
        )
        if planned is None:
            return problem(
                422,
                "That interview is not in the plan of this application's opening.",
                {"planned_interview_id": "Not in this opening's plan."},
            )
    version_id = planned.kit_version_id if planned else body.kit_version_id
    version = db.session.get(KitVersion, version_id) if version_id else None
    if version is None or version.published_at is None:
        return problem(
            422,
            "Name a published kit version, or an interview of the plan.",
            {"kit_version_id": "A published kit version."},
        )
    panel = active_users(body.panel)
    if len(panel) != len(set(body.panel)):
        return problem(422, "Every panelist must be an active user.", {"panel": "Unknown."})
    try:
        interview = ops.schedule(
            application.candidate,
            version,
            body.scheduled_at,
            panel,
            body.location,
            _by_id(),
            duration=body.duration_minutes or (planned.duration_minutes if planned else None),
            link=body.link,
            application=application,
            planned=planned,
        )
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    return _created(
        _interview_out(db.session.scalar(interviews.interview_with_panel(interview.id)))
    )


@bp.post("/interviews/<int:interview_id>/cancel")
@public
@spec.validate(
    json=schemas.CancelIn,
    resp=_responses(schemas.InterviewOut, conflicts=True),
    tags=["interviews"],
)
@needs("interviews:write")
def interview_cancel(interview_id: int):
    """Cancel an interview, with why; the panel is told. Scope: interviews:write."""
    interview = _managed_interview(interview_id)
    if interview is None:
        return problem(404, "There is no such interview, or not for this token.")
    try:
        ops.cancel(interview, request.context.json.reason)
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    return _interview_answer(interview_id)


@bp.patch("/interviews/<int:interview_id>")
@public
@spec.validate(
    json=schemas.InterviewPatch,
    resp=_responses(schemas.InterviewOut, conflicts=True),
    tags=["interviews"],
)
@needs("interviews:write")
def interview_update(interview_id: int):
    """Reschedule an interview, or change its length, place or link (only the fields
    sent); the panel gets the updated invitation. Scope: interviews:write."""
    interview = _managed_interview(interview_id)
    if interview is None:
        return problem(404, "There is no such interview, or not for this token.")
    body = request.context.json
    try:
        ops.change(
            interview,
            at=body.scheduled_at or interview.scheduled_at,
            duration=body.duration_minutes or interview.duration_minutes,
            location=interview.location if body.location is None else body.location,
            link=interview.link if body.link is None else body.link,
        )
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    return _interview_answer(interview_id)


@bp.post("/interviews/<int:interview_id>/panel")
@public
@spec.validate(
    json=schemas.PanelIn, resp=_responses(schemas.InterviewOut, conflicts=True), tags=["interviews"]
)
@needs("interviews:write")
def interview_panel_add(interview_id: int):
    """Add someone to the panel: they get a scorecard and an invitation.

    Scope: interviews:write."""
    interview = _managed_interview(interview_id)
    users = active_users([request.context.json.user_id])
    if interview is None or not users:
        return problem(404, "There is no such interview or active user, or not for this token.")
    try:
        ops.add_panelist(interview, users[0])
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    return _interview_answer(interview_id)


@bp.delete("/interviews/<int:interview_id>/panel/<int:user_id>")
@public
@spec.validate(resp=_responses(schemas.InterviewOut, conflicts=True), tags=["interviews"])
@needs("interviews:write")
def interview_panel_remove(interview_id: int, user_id: int):
    """Take someone off the panel; a draft they started is kept as history.

    Scope: interviews:write."""
    interview = _managed_interview(interview_id)
    user = db.session.get(User, user_id)
    if interview is None or user is None:
        return problem(404, "There is no such interview or user, or not for this token.")
    try:
        ops.remove_panelist(interview, user, confirmed=True)
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    return _interview_answer(interview_id)


@bp.post("/applications/<int:application_id>/documents")
@public
@spec.validate(
    json=schemas.DocumentIn,
    resp=_responses(schemas.DocumentOut, created=True, conflicts=True),
    tags=["candidates"],
)
@needs("candidates:write")
@idempotent
def document_attach(application_id: int):
    """Attach a CV, a cover letter or a work sample (PDF, DOCX, ODT or plain text,
    base64-encoded); a PDF is rewritten without scripts, forms or attachments, as on
    the page. Scope: candidates:write."""
    application = _managed_application(application_id)
    if application is None:
        return problem(404, "There is no such application, or not for this token.")
    body = request.context.json
    try:
        data = base64.b64decode(body.content_base64, validate=True)
    except binascii.Error:
        return problem(422, "The content is not base64.", {"content_base64": "Not base64."})
    try:
        document = attachments.attach(
            application,
            body.kind,
            body.filename,
            data,
            _user(),
            current_app.config["CANDIDATE_DOCUMENT_MAX_BYTES"],
        )
    except DomainError as error:
        return _refused(error)
    db.session.commit()
    return _created(
        schemas.DocumentOut(
            id=document.id,
            application_id=application.id,
            kind=document.kind.value,
            filename=document.filename,
            media_type=document.media_type,
            size=document.size,
            uploaded_at=document.uploaded_at,
        )
    )
