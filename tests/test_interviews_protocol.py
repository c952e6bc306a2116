"""The server's half of "no word lost", as a stateful property: saves on any version (the
current one, stale ones, replays), submits on what a page last saw, amendments and
stepping back, interleaved in any order over HTTP, on the suite's database. A model says
what the scorecard must hold after each step; the scorecard's JSON must say the same,
and every refusal must carry what is stored, so that a tab keeps only what the server
lacks."""

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from hiring.auth.models import User
from hiring.extensions import db, utcnow
from hiring.interviews import operations as ops
from hiring.interviews.models import Candidate
from hiring.kits.models import KitVersion
from hiring.scorecards import operations as scorecard_ops
from hiring.text import clean
from tests.scoring import complete, make_panel

# Text a person might type or paste, with what no database holds (NUL, lone surrogates).
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x00", "\ud800", "\udc00", "\n", "é", "日"]),
    ),
    max_size=30,
)


def test_saves_submits_amendments_and_stepping_back_in_any_order(
    app, client, login, users, make_question
):
    panel = make_panel(app, make_question, [users["interviewer"]])
    me = users["interviewer"]
    login(me)
    text_fields = [f"item:{i}:notes" for i in panel.items] + ["summary"]
    ready = complete(panel)

    class Protocol(RuleBasedStateMachine):
        @initialize()
        def new_scorecard(self):
            with app.app_context():
                interview = ops.schedule(
                    db.session.get(Candidate, panel.candidate_id),
                    db.session.get(KitVersion, panel.kit_version_id),
                    utcnow() - timedelta(hours=1),
                    [db.session.get(User, me.id)],
                )
                db.session.commit()
                self.sid = interview.scorecards[0].id
                self.model = scorecard_ops.content(interview.scorecards[0])
            self.version = 0
            self.state = "open"  # open, submitted, withdrawn
            self.ever_submitted = False
            self.seen = [0]  # versions a page may still hold

        def post_save(self, base, changes):
            return client.post(
                f"/scorecards/{self.sid}/save",
                json={"base": base, "changes": changes},
                headers={"Accept": "application/json"},
            )

        def applied(self):
            self.version += 1
            self.seen.append(self.version)

        @rule(data=st.data(), stale=st.booleans())
        def save_text(self, data, stale):
            fields = data.draw(st.lists(st.sampled_from(text_fields), min_size=1, unique=True))
            changes = {key: data.draw(TEXT) for key in fields}
            base = data.draw(st.sampled_from(self.seen)) if stale else self.version
            self.save(base, changes)

        @rule(stale=st.booleans(), data=st.data())
        def save_complete(self, stale, data):
            base = data.draw(st.sampled_from(self.seen)) if stale else self.version
            self.save(base, ready)

        def save(self, base, changes):
            r = self.post_save(base, changes)
            body = r.get_json()
            if self.state != "open":
                assert r.status_code == 409 and body["closed"] is True
                assert body["stored"] == self.model and body["version"] == self.version
            elif base != self.version:
                assert r.status_code == 409 and "closed" not in body
                assert body["stored"] == self.model and body["version"] == self.version
            else:
                assert r.status_code == 200, body
                cleaned = {k: clean(v) if isinstance(v, str) else v for k, v in changes.items()}
                assert body["stored"] == {k: v for k, v in cleaned.items() if v != changes[k]}
                self.model |= cleaned
                self.applied()
                assert body["version"] == self.version

        @rule(data=st.data())
        def submit(self, data):
            seen = data.draw(st.sampled_from(self.seen))
            r = client.post(f"/scorecards/{self.sid}/submit", data={"version": seen})
            # Accepted or refused, the answer is a redirect: no page to post again.
            assert r.status_code == 302
            # What a submit requires (ratings, their evidence, a recommendation) is set
            # by save_complete only; notes and the summary may be anything.
            complete_now = all(
                self.model.get(k) == v for k, v in ready.items() if k not in text_fields
            )
            if self.state == "open" and seen == self.version and complete_now:
                self.state, self.ever_submitted = "submitted", True
                self.applied()

        @rule()
        def amend(self):
            r = client.post(f"/scorecards/{self.sid}/amend", data={"reason": "Second look"})
            assert r.status_code == 302
            if self.state == "submitted":
                self.state = "open"
                self.applied()

        @precondition(lambda self: self.state == "open")
        @rule()
        def step_back(self):
            r = client.post(f"/scorecards/{self.sid}/withdraw")
            assert r.status_code == 302
            if not self.ever_submitted:
                self.state = "withdrawn"
                self.applied()

        @invariant()
        def the_scorecard_holds_what_the_model_says(self):
            if not hasattr(self, "sid"):
                return
            r = client.get(f"/scorecards/{self.sid}.json")
            assert r.status_code == 200
            data = r.get_json()
            assert data["fields"] == self.model
            assert data["version"] == self.version
            state = {"open": ("not started", "draft"), "submitted": ("submitted",)}
            assert data["state"] in state.get(self.state, (self.state,))

    Protocol.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    Protocol.TestCase().runTest()
