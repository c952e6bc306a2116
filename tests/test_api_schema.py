"""Schemathesis, from the OpenAPI document, against the app with a token of each kind:
no 500, every answer as its operation describes it (status, media type, schema), and
a personal token never reads a scorecard its user could not read in the browser."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import select

from hiring.api import tokens
from hiring.auth.models import User
from hiring.extensions import db
from hiring.interviews import queries as interviews
from hiring.interviews.models import Interview, Scorecard
from tests.test_confidential import Hiring


@pytest.fixture
def hiring(app, plan_kit, make_user) -> Hiring:
    return Hiring(app, plan_kit, make_user)


@pytest.fixture
def readers(app, hiring) -> dict[str, tuple[str, int | None]]:
    """A token of each kind with every scope it may hold (a service token, a manager's,
    an interviewer's) and one of each scope alone; with the user each acts as."""
    with app.app_context():
        admin = db.session.get(User, hiring.admin.id)
        made = {}
        for label, user in (
            ("service", None),
            ("manager", db.session.get(User, hiring.hana.id)),
            ("interviewer", db.session.get(User, hiring.ivy.id)),
        ):
            scopes = sorted(tokens.ROLE_SCOPES[user.role] if user else tokens.SCOPES)
            _, secret = tokens.create(label, scopes, 30, admin if user is None else user, user)
            made[label] = (secret, user.id if user else None)
        # And a service token of each single scope: every other operation is a 403.
        for scope in tokens.SCOPES:
            _, secret = tokens.create(scope, [scope], 30, admin)
            made[scope] = (secret, None)
        db.session.commit()
    return made


def test_every_operation_keeps_its_description(app, readers):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 20

    kinds = [readers[k] for k in ("service", "manager", "interviewer")]
    single = [v for k, v in readers.items() if k not in ("service", "manager", "interviewer")]
    for operation in operations:
        # Each example with the three kinds of token, and one token of a single scope.
        @given(case=operation.as_strategy(), scoped=st.sampled_from(single))
        @settings(
            max_examples=10,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def holds(case, scoped):
            for secret, user_id in [*kinds, scoped]:
                headers = {"Authorization": f"Bearer {secret}"}
                response = case.call(headers=headers)
                # Told the headers, the checks also try the call without the token. A
                # write may refuse valid JSON for what it names (a panelist who is no
                # user, a stage of another plan): 404 or 422, not the schema's doing.
                excluded = [] if case.method == "GET" else [positive_data_acceptance]
                case.validate_response(response, headers=headers, excluded_checks=excluded)
                if user_id is not None and response.status_code == 200:
                    _only_what_the_user_reads(app, user_id, response.json())

        holds()


def _only_what_the_user_reads(app, user_id: int, body) -> None:
    """Each scorecard a personal token got is one its user may read in the browser."""
    found = body.get("data", [body]) if isinstance(body, dict) else []
    ids = [item["id"] for item in found if isinstance(item, dict) and "interviewer" in item]
    with app.app_context():
        user = db.session.get(User, user_id)
        for card in db.session.scalars(select(Scorecard).where(Scorecard.id.in_(ids))):
            candidate_id = db.session.scalar(
                select(Interview.candidate_id).where(Interview.id == card.interview_id)
            )
            assert interviews.access_to(user, candidate_id).may_read(card), card.id
