"""Every route x role -> the status it answers. A new route without a row fails here."""

import pytest

from hiring.auth.models import Role, User
from hiring.extensions import db
from hiring.openings import operations as opening_ops
from hiring.openings.models import Opening, TeamRole
from tests.conftest import session_of

ANON, INTERVIEWER, MANAGER, ADMIN = "anon", "interviewer", "manager", "admin"
# A manager on the hiring team of another opening than the world's: the world's opening,
# its application, candidate and interviews are not theirs (see OTHER_TEAM).
OTHER = "manager of another opening"
LOGIN = 302  # anonymous visitors are sent to the login page

# endpoint: (method, {who: expected status})
TABLE = {
    "main.index": ("GET", {ANON: LOGIN, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "main.healthz": ("GET", {ANON: 200, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "main.favicon": ("GET", {ANON: 200, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "auth.login": ("GET", {ANON: 200, INTERVIEWER: 302, MANAGER: 302, ADMIN: 302}),
    "auth.logout": ("POST", {ANON: LOGIN, INTERVIEWER: 302, MANAGER: 302, ADMIN: 302}),
    "admin.users": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 200}),
    "admin.user_role": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 302}),
    "admin.user_active": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 302}),
    "admin.audit": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 200}),
    "questions.index": ("GET", {ANON: LOGIN, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "questions.detail": ("GET", {ANON: LOGIN, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "questions.new": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "questions.edit": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "questions.archive": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "questions.import_pages": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "questions.export": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "questions.competencies": ("GET", {ANON: LOGIN, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "questions.competency_form": (
        "GET",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200},
    ),
    # Refused with a message (the world's competency is in use): back to the catalogue.
    "questions.competency_delete": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "questions.merge": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.index": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "kits.new": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "kits.builder": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "kits.guide": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "kits.details": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.section_add": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.section_rename": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.section_move": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.item_add": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.item_update": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.item_move": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.reorder": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 400, ADMIN: 400}),
    "kits.competency_add": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.competency_anchors": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "kits.competency_move": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.scale": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.recommendation_scale": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "kits.publish": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.edit": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.duplicate": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.archive": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.item_delete": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "kits.competency_delete": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "kits.section_delete": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "interviews.candidates": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "interviews.candidate_form": (
        "GET",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200},
    ),
    "interviews.candidate": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "interviews.interview_new": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    # The world's scorecard belongs to another interviewer: only managers may read it,
    # and nobody but its owner may change it.
    "scorecards.mine": ("GET", {ANON: LOGIN, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "scorecards.live": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "scorecards.as_json": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "scorecards.save": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 403}),
    "scorecards.submit": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 403}),
    "scorecards.amend": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 403}),
    "auth.password": ("GET", {ANON: LOGIN, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "scorecards.withdraw": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 403}),
    "documents.scorecard": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    # No scorecard of the world's candidate is submitted: no packet, with a clear message.
    "documents.packet": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 422, ADMIN: 422}),
    "documents.guide": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "scorecards.token": ("GET", {ANON: LOGIN, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    # The world's candidate has no submitted scorecard: managers see a page that says so;
    # an interviewer off the panel may not open the candidate.
    "debrief.debrief": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    # A forged empty form: refused with a message, back to the debrief.
    "debrief.decision": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "debrief.compare_kit": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "debrief.calibration": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "documents.calibration": (
        "GET",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200},
    ),
    "auth.settings": ("GET", {ANON: LOGIN, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "interviews.interview_edit": (
        "GET",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200},
    ),
    # Forged empty forms, or refusals with a message (the last panelist, not cancelled):
    # back to the interview's page.
    "interviews.panel_add": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "interviews.panel_remove": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "interviews.interview_cancel": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "interviews.interview_restore": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    # The world's interviewer is not on the world's panel.
    "interviews.interview_ics": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    # Only its own interviewer runs a scorecard's timer.
    "scorecards.timer": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 403}),
    # Only its own interviewer asks what stops a scorecard's submission.
    "scorecards.problems": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 403}),
    "interviews.candidate_options": (
        "GET",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200},
    ),
    # Without `at`, a manager is told what to give (the role is checked first).
    "interviews.busy": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 400, ADMIN: 400}),
    "scorecards.remind": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "openings.index": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "openings.new": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "openings.edit": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "openings.opening": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "openings.pipeline_list": (
        "GET",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200},
    ),
    "openings.board": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "openings.planned": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    # Forged empty forms: refused with a message, back to the opening.
    "openings.status": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "openings.attribute_add": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "openings.attribute_change": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "openings.attribute_delete": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "openings.stage_add": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "openings.stage_change": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "openings.stage_delete": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "openings.planned_delete": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "interviews.apply": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "interviews.application_move": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "interviews.document_attach": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "interviews.document_download": (
        "GET",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200},
    ),
    "debrief.funnel_report": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "debrief.application": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 200, ADMIN: 200}),
    "debrief.application_decision": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    # The API opens with a token only: a session cookie is no credential there.
    **{
        endpoint: ("GET", {ANON: 401, INTERVIEWER: 401, MANAGER: 401, ADMIN: 401})
        for endpoint in (
            "api.openings",
            "api.opening",
            "api.candidates",
            "api.candidate",
            "api.scorecards",
            "api.scorecard",
            "api.scorecard_harvest",
            "api.scorecard_merge",
            "api.decisions",
            "api.users",
        )
    },
    **{
        endpoint: (method, {ANON: 401, INTERVIEWER: 401, MANAGER: 401, ADMIN: 401})
        for endpoint, method in (
            ("api.candidate_create", "POST"),
            ("api.candidate_update", "PATCH"),
            ("api.application_create", "POST"),
            ("api.application_move", "POST"),
            ("api.interview_create", "POST"),
            ("api.interview_cancel", "POST"),
            ("api.interview_update", "PATCH"),
            ("api.interview_panel_add", "POST"),
            ("api.interview_panel_remove", "DELETE"),
            ("api.document_attach", "POST"),
        )
    },
    # Single sign-on is not configured in the tests: its doors are not there.
    "auth.sso_start": ("GET", {ANON: 404, INTERVIEWER: 404, MANAGER: 404, ADMIN: 404}),
    "auth.sso_callback": ("GET", {ANON: 404, INTERVIEWER: 404, MANAGER: 404, ADMIN: 404}),
    "auth.sso_end": ("GET", {ANON: 302, INTERVIEWER: 302, MANAGER: 302, ADMIN: 302}),
    "api.openapi": ("GET", {ANON: 200, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "api_docs.docs": ("GET", {ANON: 200, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "api_tokens.personal": ("GET", {ANON: LOGIN, INTERVIEWER: 200, MANAGER: 200, ADMIN: 200}),
    "api_tokens.service": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 200}),
    # The world's token is a service token: only an admin revokes it.
    "api_tokens.revoke": ("POST", {ANON: LOGIN, INTERVIEWER: 404, MANAGER: 404, ADMIN: 302}),
    "api_tokens.hooks": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 200}),
    "api_tokens.hook": ("GET", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 200}),
    "api_tokens.hook_active": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 302}),
    "api_tokens.hook_resend": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 302}),
    # Last: they delete the world's document, question and candidate.
    "interviews.document_remove": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302},
    ),
    "questions.delete": ("POST", {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 302, ADMIN: 302}),
    "interviews.candidate_delete": (
        "POST",
        {ANON: LOGIN, INTERVIEWER: 403, MANAGER: 403, ADMIN: 302},
    ),
}


# What a manager of another opening meets where it differs from the world's manager (on the
# world opening's hiring team): what belongs to another team's opening is not there (404)
# where a manager would change it, and read as an interviewer off its panels reads it (403).
OTHER_TEAM = {
    "interviews.candidate_form": 404,
    "interviews.candidate": 403,
    "scorecards.live": 403,
    "scorecards.as_json": 403,
    "documents.scorecard": 403,
    "documents.packet": 403,
    "debrief.debrief": 403,
    "debrief.decision": 404,
    "interviews.interview_edit": 404,
    "interviews.panel_add": 404,
    "interviews.panel_remove": 404,
    "interviews.interview_cancel": 404,
    "interviews.interview_restore": 404,
    "interviews.interview_ics": 403,
    "scorecards.remind": 404,
    "openings.edit": 404,
    "openings.opening": 404,
    "openings.pipeline_list": 404,
    "openings.board": 404,
    "openings.planned": 404,
    "openings.status": 404,
    "openings.attribute_add": 404,
    "openings.attribute_change": 404,
    "openings.attribute_delete": 404,
    "openings.stage_add": 404,
    "openings.stage_change": 404,
    "openings.stage_delete": 404,
    "openings.planned_delete": 404,
    "interviews.apply": 404,
    "interviews.application_move": 404,
    "interviews.document_attach": 404,
    "interviews.document_download": 404,
    "debrief.application": 404,
    "debrief.application_decision": 404,
    "interviews.document_remove": 404,
}


def expected_of(endpoint: str, who: str) -> int:
    expected = TABLE[endpoint][1]
    if who == OTHER:
        return OTHER_TEAM.get(endpoint, expected[MANAGER])
    return expected[who]


def test_every_route_has_a_row(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - {"static"}
    assert endpoints - TABLE.keys() == set(), "add the new routes to TABLE"
    assert TABLE.keys() - endpoints == set(), "remove rows of routes that are gone"


def test_the_other_team_rows_name_routes():
    assert OTHER_TEAM.keys() <= TABLE.keys()


def _person(app, make_user, world, who: str) -> User | None:
    """Someone of each identity: the manager is on the world opening's hiring team, the
    other manager on the team of an opening of their own."""
    if who == ANON:
        return None
    user = make_user(Role.MANAGER if who == OTHER else Role(who))
    with app.app_context():
        if who == MANAGER:
            opening = db.session.get(Opening, world.ids["opening_id"])
            opening_ops.set_team(
                opening,
                opening.version,
                {
                    TeamRole.HIRING_MANAGER: opening.people(TeamRole.HIRING_MANAGER),
                    TeamRole.RECRUITER: [db.session.get(User, user.id)],
                },
            )
        if who == OTHER:
            opening_ops.create(title="Another team's opening", user=db.session.get(User, user.id))
        db.session.commit()
    return user


@pytest.mark.parametrize("who", [ANON, INTERVIEWER, MANAGER, OTHER, ADMIN])
def test_route_role_table(app, make_user, world, who):
    user = _person(app, make_user, world, who)
    for endpoint, (method, _) in TABLE.items():
        client = app.test_client()
        if user is not None:
            with app.app_context():  # signing out (a row of the table) ends every session
                user = db.session.get(User, user.id)
                db.session.expunge(user)
            with client.session_transaction() as sess:
                sess.update(session_of(user))
        url = world.url_for(endpoint)
        response = client.open(url, method=method)
        assert response.status_code == expected_of(endpoint, who), f"{who} {method} {url}"
        response.close()


@pytest.mark.parametrize("who", [INTERVIEWER, ADMIN])
def test_odd_query_strings_never_cause_a_500(app, make_user, world, who):
    client = app.test_client()
    user = make_user(Role(who))
    with client.session_transaction() as sess:
        sess.update(session_of(user))
    odd = "?page=abc&per_page=-1&q=%25%00%27&competency=x&level=%3Cb%3E&archived=2&guide=x"
    for endpoint, (method, _) in TABLE.items():
        if method != "GET":
            continue
        response = client.get(world.url_for(endpoint) + odd)
        assert response.status_code < 500, endpoint
        response.close()
