"""No 500 from any input: the repros that gave one, then arbitrary values and bodies
(hypothesis) at every form, the autosave endpoint, the JSON import and the page importer."""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hiring.auth.models import Role
from hiring.questions.parsing import PageError, parse_file
from tests.conftest import session_of
from tests.scoring import make_panel
from tests.test_permissions import TABLE

HUGE = [2**31, 2**40, 2**63, 10**30]
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


class TestRepros:
    @pytest.mark.parametrize("number", HUGE)
    def test_ids_beyond_a_database_integer_are_404(self, client, login, users, world, number):
        login(users["admin"])
        for url in (
            f"/candidates/{number}",
            f"/scorecards/{number}",
            f"/scorecards/{number}.json",
            f"/questions/{number}",
            f"/kits/{number}/v/1",
            f"/kits/{world.ids['kit_id']}/v/{number}",
        ):
            assert client.get(url).status_code == 404, url

    @pytest.mark.parametrize("number", HUGE)
    def test_out_of_range_numbers_in_queries_and_bodies(self, client, login, users, world, number):
        login(users["admin"])
        for url in (
            f"/questions/?competency={number}",
            f"/questions/?page={number}",
            "/questions/?page=1e20",
            f"/candidates/?page={number}",
            f"/admin/audit?page={number}",
            f"/questions/new?kit_version={number}",
            f"/interviews/new?candidate={number}",
        ):
            assert client.get(url).status_code < 500, url
        kit = f"/kits/{world.ids['kit_id']}/v/{world.ids['number']}"
        assert client.post(f"{kit}/order", json={"lock": number, "layout": []}).status_code < 500
        r = client.post(
            f"{kit}/items", data={"lock": number, "question_id": number, "section_id": 1}
        )
        assert r.status_code < 500
        r = client.post(
            f"/scorecards/{world.ids['scorecard_id']}/save", json={"base": number, "changes": {}}
        )
        assert r.status_code == 400 or r.status_code == 403

    @pytest.mark.parametrize(
        "body", [[], [1, 2], "text", 7, None, {"layout": {}}, {"layout": [["1", ["²"]]], "lock": 0}]
    )
    def test_order_bodies_of_the_wrong_shape_are_400(self, client, login, users, world, body):
        login(users["manager"])
        kit = f"/kits/{world.ids['kit_id']}/v/{world.ids['number']}"
        r = client.post(f"{kit}/order", data=json.dumps(body), content_type="application/json")
        assert r.status_code in (400, 409), r.get_data(as_text=True)[:200]

    def test_deeply_nested_json_is_unreadable_not_a_crash(self, client, login, users, world):
        login(users["interviewer"])
        r = client.post(
            f"/scorecards/{world.ids['scorecard_id']}/save",
            data='{"base": 0, "changes": ' + nested(100_000) + "}",
            content_type="application/json",
        )
        assert r.status_code in (400, 403)
        with pytest.raises(PageError, match="nested deeper"):
            parse_file(nested(100_000).encode(), "deep.json")

    def test_an_anchor_key_that_looks_like_a_digit(self):
        document = {
            "format": "hiring-question-bank",
            "version": 1,
            "competencies": [{"name": "Calm", "anchors": {"²": "x"}}],
            "questions": [],
        }
        with pytest.raises(PageError, match="anchors must map points 1-7"):
            parse_file(json.dumps(document).encode(), "bank.json")

    def test_a_tag_longer_than_its_column_is_refused_by_the_form(self, client, login, users):
        login(users["manager"])
        r = client.post(
            "/questions/new",
            data={"prompt": "What is a long tag?", "tags": "x" * 61, "basic_answer": "A"},
        )
        assert r.status_code == 422 and "Each tag has at most 60 characters" in r.get_data(
            as_text=True
        )
        r = client.post(
            "/questions/import",
            data={"files": [(io.BytesIO(b"x"), "a.txt")], "tags": "y" * 61},
            content_type="multipart/form-data",
        )
        assert r.status_code < 500 and "Each tag has at most 60 characters" in r.get_data(
            as_text=True
        )


@pytest.fixture
def manager_client(app, make_user):
    client = app.test_client()
    with client.session_transaction() as sess:
        sess.update(session_of(make_user(Role.MANAGER)))
    return client


text = st.text(max_size=300)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
    max_leaves=20,
)


@PROPERTY
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "name",
                "email",
                "role",
                "title",
                "prompt",
                "tags",
                "level",
                "description",
                "duration",
                "points",
                "lock",
                "question_id",
                "section_id",
                "competency_id",
                "minutes",
                "probes",
                "reason",
                "version",
                "candidate_id",
                "kit_version_id",
                "scheduled_at",
                "panel",
                "q",
                "source",
                "target",
                "offset",
                "direction",
                "label_1",
                "anchor_1",
                "basic_answer",
            ]
        ),
        text,
        max_size=8,
    )
)
def test_any_values_at_any_form_are_never_a_500(app, manager_client, world, fields):
    for endpoint, (method, _) in TABLE.items():
        if method != "POST" or endpoint in ("auth.logout", "auth.login"):
            continue
        response = manager_client.post(world.url_for(endpoint), data=fields)
        assert response.status_code < 500, (endpoint, fields)


@PROPERTY
@given(body=json_values)
def test_any_autosave_body_is_never_a_500(app, make_question, users, body):
    panel = _panel(app, make_question, users)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess.update(session_of(users["interviewer"]))
    sid = panel.scorecards[users["interviewer"].id]
    for payload in (body, {"base": 0, "changes": body}):
        r = client.post(
            f"/scorecards/{sid}/save", data=json.dumps(payload), content_type="application/json"
        )
        assert r.status_code < 500, payload


_PANELS: dict = {}


def _panel(app, make_question, users):
    """One panel per test app (hypothesis runs many examples in one test)."""
    key = id(app)
    if key not in _PANELS:
        _PANELS.clear()
        _PANELS[key] = make_panel(app, make_question, [users["interviewer"]])
    return _PANELS[key]


@PROPERTY
@given(document=json_values, questions=st.lists(json_values, max_size=3))
def test_any_bank_document_imports_cleanly_or_is_refused(app, manager_client, document, questions):
    for body in (
        document,
        {"format": "hiring-question-bank", "version": 1, "questions": questions},
    ):
        raw = json.dumps(body).encode()
        try:
            parse_file(raw, "bank.json")
        except PageError:
            pass
        r = manager_client.post(
            "/questions/import",
            data={"files": [(io.BytesIO(raw), "bank.json")]},
            content_type="multipart/form-data",
        )
        assert r.status_code < 500, body


@PROPERTY
@given(
    page=st.text(max_size=2000),
    head=st.sampled_from(
        [
            "",
            "How do you plan?\nINTERMEDIATE LEVEL\nHow do you plan?\n"
            "Sample answer to the question:\n",
        ]
    ),
)
def test_any_page_parses_to_a_question_or_is_refused(app, manager_client, page, head):
    raw = (head + page).encode("utf-8", "surrogatepass")
    try:
        bank = parse_file(raw, "page.txt")
    except PageError as error:
        assert str(error).startswith("page.txt")
    else:
        (question,) = bank.questions
        assert question.prompt and "\x00" not in question.prompt
    r = manager_client.post(
        "/questions/import",
        data={"files": [(io.BytesIO(raw), "page.txt")]},
        content_type="multipart/form-data",
    )
    assert r.status_code < 500
