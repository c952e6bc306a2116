"""Who sees which opening: a manager the openings whose hiring team they are on, an admin
every one; a confidential opening is not there for anyone off its team but the panels of
its interviews, not in lists, search, the picker, the debrief, the packet, the figures,
the funnel or the dashboard. Over HTTP, on each database the suite runs on."""

from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from hiring.auth.models import Role, User
from hiring.extensions import db, utcnow
from hiring.interviews import applications
from hiring.interviews import operations as ops
from hiring.interviews.models import Candidate, Interview
from hiring.kits.models import KitVersion
from hiring.openings import operations as opening_ops
from hiring.openings.models import Opening
from hiring.scorecards import operations as scorecard_ops
from tests.conftest import session_of
from tests.openings import opened


def _submit(scorecard, version, user_id: int) -> None:
    changes = {f"item:{i.id}:notes": "Evidence" for i in version.items}
    changes |= {"recommendation": "yes", "summary": "Strong."}
    for kc in version.competencies:
        changes |= {f"rating:{kc.id}:value": 3, f"rating:{kc.id}:evidence": "Seen"}
    scorecard_ops.save(scorecard.id, user_id, 0, changes, 10_000)
    scorecard_ops.submit(scorecard)


class Hiring:
    """Two openings: "Backend engineer" (Hana's team) and a confidential "Chief
    technology officer" (Eve's). Sam applied to the confidential one only; Dee to both,
    interviewed for each (Ivy on the backend panel, Pat on the confidential one), every
    scorecard submitted."""

    def __init__(self, app, plan_kit, make_user):
        self.hana = make_user(Role.MANAGER, name="Hana Manager")
        self.eve = make_user(Role.MANAGER, name="Eve Executive")
        self.olly = make_user(Role.MANAGER, name="Olly Elsewhere")
        self.admin = make_user(Role.ADMIN, name="Ada Admin")
        self.ivy = make_user(Role.INTERVIEWER, name="Ivy Interviewer")
        self.pat = make_user(Role.INTERVIEWER, name="Pat Panelist")
        with app.app_context():
            version = db.session.get(KitVersion, plan_kit)
            backend = db.session.get(Opening, opened(plan_kit, self.hana.id))
            secret = db.session.get(Opening, opened(plan_kit, self.eve.id))
            opening_ops.update_details(
                secret, secret.version, title="Chief technology officer", confidential=True
            )
            opening_ops.create(title="Olly's opening", user=db.session.get(User, self.olly.id))
            sam = applications.apply(Candidate(name="Sam Secret"), secret)
            dee_backend = applications.apply(Candidate(name="Dee Dual"), backend)
            dee_secret = applications.apply(dee_backend.candidate, secret)
            when = utcnow() - timedelta(days=1)
            ivy, pat = db.session.get(User, self.ivy.id), db.session.get(User, self.pat.id)
            for application, panelist in ((sam, pat), (dee_backend, ivy), (dee_secret, pat)):
                interview = ops.schedule(
                    application.candidate,
                    version,
                    when,
                    [panelist],
                    application=application,
                    planned=application.opening.planned[0],
                )
                _submit(interview.scorecards[0], version, panelist.id)
            db.session.commit()
            self.backend, self.secret = backend.id, secret.id
            self.sam, self.dee = sam.candidate_id, dee_backend.candidate_id
            self.sam_application, self.dee_secret = sam.id, dee_secret.id
            self.dee_backend = dee_backend.id
            self.secret_interview = db.session.scalar(
                select(Interview.id).where(Interview.application_id == dee_secret.id)
            )

    def client(self, app, user):
        client = app.test_client()
        with client.session_transaction() as sess:
            sess.update(session_of(user))
        return client


@pytest.fixture
def hiring(app, plan_kit, make_user) -> Hiring:
    return Hiring(app, plan_kit, make_user)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["hana", "olly"])
def test_a_confidential_opening_is_not_there_off_its_team(app, hiring, who):
    client = hiring.client(app, getattr(hiring, who))
    assert "Chief technology officer" not in text(client.get("/openings/"))
    assert client.get(f"/openings/{hiring.secret}").status_code == 404
    assert client.get(f"/openings/{hiring.secret}/board").status_code == 404
    assert client.get(f"/applications/{hiring.sam_application}").status_code == 404
    # Not in the candidate list, its search, or the interview form's picker.
    listed = text(client.get("/candidates/"))
    assert "Sam Secret" not in listed
    assert "Sam Secret" not in text(client.get("/candidates/?q=Sam"))
    assert client.get("/candidates/options.json?q=Sam").get_json() == {"candidates": []}
    assert client.get(f"/candidates/{hiring.sam}").status_code == 403
    # The funnel across openings counts none of its applications.
    report = client.get("/reports/funnel.json").get_json()
    assert report["applications"] == (1 if who == "hana" else 0)
    assert client.get(f"/reports/funnel?opening={hiring.secret}").status_code == 404


def test_a_shared_candidate_shows_only_the_readers_part(app, hiring):
    """Dee applied to both: Hana reads the backend interview, and nothing of the other."""
    client = hiring.client(app, hiring.hana)
    page = text(client.get(f"/candidates/{hiring.dee}"))
    assert "Dee Dual" in page and "Backend engineer" in page
    assert "Chief technology officer" not in page
    assert f'data-interview="{hiring.secret_interview}"' not in page
    assert "Pat Panelist" not in page
    assert "1 of 1 scorecards submitted" in page
    debrief = client.get(f"/candidates/{hiring.dee}/debrief.json").get_json()
    assert [s["interviewer"] for s in debrief["scorecards"]] == ["Ivy Interviewer"]
    assert client.get(f"/applications/{hiring.dee_secret}").status_code == 404
    response = client.get(f"/candidates/{hiring.dee}/packet.pdf")
    if response.status_code == 202:  # no worker in tests: laid out in the request
        response = client.get(f"/candidates/{hiring.dee}/packet.pdf")
    assert response.status_code == 200, response.status_code
    packet = "".join(page.extract_text() for page in PdfReader(_bytes(response)).pages)
    assert "Ivy Interviewer" in packet
    assert "Pat Panelist" not in packet and "Chief technology officer" not in packet
    # The interview of the confidential opening cannot be changed, nor its invitation read.
    assert client.get(f"/interviews/{hiring.secret_interview}/edit").status_code == 404
    assert client.get(f"/interviews/{hiring.secret_interview}.ics").status_code == 404


def _bytes(response):
    import io

    return io.BytesIO(response.get_data())


def test_its_team_and_admins_see_all_of_it(app, hiring):
    for user in (hiring.eve, hiring.admin):
        client = hiring.client(app, user)
        assert "Chief technology officer" in text(client.get("/openings/"))
        assert "Sam Secret" in text(client.get("/candidates/?q=Sam"))
        page = text(client.get(f"/candidates/{hiring.dee}"))
        assert "Pat Panelist" in page and "Ivy Interviewer" in page
        assert "Sam Secret" in text(client.get(f"/applications/{hiring.sam_application}"))


def test_its_panelists_read_what_they_sit_on(app, hiring):
    """Pat sits on the confidential panels: his candidates and scorecards are his to open."""
    client = hiring.client(app, hiring.pat)
    assert "Sam Secret" in text(client.get(f"/candidates/{hiring.sam}"))
    page = text(client.get("/scorecards/mine/submitted"))
    assert "Sam Secret" in page and "Dee Dual" in page


def test_a_manager_of_another_opening_sees_none_of_it(app, hiring):
    client = hiring.client(app, hiring.olly)
    assert "Backend engineer" not in text(client.get("/openings/"))
    assert "Dee Dual" not in text(client.get("/candidates/"))
    assert client.get(f"/candidates/{hiring.dee}").status_code == 403
    assert client.get(f"/applications/{hiring.dee_backend}").status_code == 404
    assert client.get(f"/openings/{hiring.backend}/applications").status_code == 404
    assert "Dee Dual" not in text(client.get("/"))


def test_figures_leave_confidential_openings_out(app, hiring, plan_kit):
    """Calibration and the kit's comparison are shared by every manager: they count the
    backend interview only, for the confidential team as for anyone."""
    with app.app_context():
        kit_id = db.session.get(KitVersion, plan_kit).kit_id
    for user in (hiring.eve, hiring.hana, hiring.admin):
        client = hiring.client(app, user)
        compared = client.get(f"/kits/{kit_id}/compare.json").get_json()
        names = [row["candidate"] for row in compared["candidates"]]
        assert "Sam Secret" not in names
        calibration = text(client.get("/calibration"))
        assert "Pat Panelist" not in calibration


def test_making_an_opening_confidential_takes_it_out_of_shared_figures(app, hiring, plan_kit):
    with app.app_context():
        kit_id = db.session.get(KitVersion, plan_kit).kit_id
        version = db.session.get(Opening, hiring.backend).version
    client = hiring.client(app, hiring.hana)
    compared = client.get(f"/kits/{kit_id}/compare.json").get_json()
    assert [r["candidate"] for r in compared["candidates"]] == ["Dee Dual"]
    response = client.post(
        f"/openings/{hiring.backend}/edit",
        data={
            "version": version,
            "title": "Backend engineer",
            "headcount": 1,
            "confidential": "y",
            "hiring_manager": hiring.hana.id,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Confidential" in text(client.get(f"/openings/{hiring.backend}"))
    compared = client.get(f"/kits/{kit_id}/compare.json").get_json()
    assert compared["candidates"] == []
    with app.app_context():
        assert db.session.get(Opening, hiring.backend).confidential is True


def test_a_manager_cannot_take_themselves_off_the_team(app, hiring):
    client = hiring.client(app, hiring.hana)
    with app.app_context():
        opening = db.session.get(Opening, hiring.backend)
        version = opening.version
    response = client.post(
        f"/openings/{hiring.backend}/edit",
        data={
            "version": version,
            "title": "Backend engineer",
            "headcount": 1,
            "hiring_manager": hiring.eve.id,
        },
    )
    assert response.status_code == 422
    assert "Keep yourself on the hiring team" in response.get_data(as_text=True)
    with app.app_context():
        members = {m.user_id for m in db.session.get(Opening, hiring.backend).members}
    assert hiring.hana.id in members


def test_an_interview_outside_the_plan_belongs_to_its_candidates_team(app, hiring, plan_kit):
    """An interview scheduled for Dee with no application is Hana's (Dee is her team's
    candidate), not every manager's."""
    with app.app_context():
        interview = ops.schedule(
            db.session.get(Candidate, hiring.dee),
            db.session.get(KitVersion, plan_kit),
            utcnow() + timedelta(days=2),
            [db.session.get(User, hiring.ivy.id)],
        )
        db.session.commit()
        interview_id = interview.id
    olly = hiring.client(app, hiring.olly)
    assert olly.get(f"/interviews/{interview_id}/edit").status_code == 404
    assert olly.post(f"/interviews/{interview_id}/cancel").status_code == 404
    hana = hiring.client(app, hiring.hana)
    assert hana.get(f"/interviews/{interview_id}/edit").status_code == 200


def test_a_packet_names_only_the_readers_openings(app, hiring, plan_kit):
    """Dee also applied to an opening of Olly's team: Hana's packet does not name it."""
    with app.app_context():
        other = db.session.get(Opening, opened(plan_kit, hiring.olly.id))
        opening_ops.update_details(other, other.version, title="Support lead")
        applications.apply(db.session.get(Candidate, hiring.dee), other)
        db.session.commit()
    for user, named in ((hiring.hana, False), (hiring.admin, True)):
        client = hiring.client(app, user)
        response = client.get(f"/candidates/{hiring.dee}/packet.pdf")
        if response.status_code == 202:
            response = client.get(f"/candidates/{hiring.dee}/packet.pdf")
        assert response.status_code == 200, response.status_code
        text = "".join(p.extract_text() for p in PdfReader(_bytes(response)).pages)
        assert "Backend engineer" in text
        assert ("Support lead" in text) is named
