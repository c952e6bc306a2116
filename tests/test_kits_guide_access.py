"""Least privilege for kit guides: interviewers read only published versions used by
their own interviews, as pages and as PDFs; managers read every version, drafts too."""

import pytest

from hiring.auth.models import Role
from hiring.extensions import db
from hiring.kits.models import Kit
from tests.scoring import make_panel


@pytest.fixture
def kits(app, make_question, users, make_user):
    """A kit whose version 1 an interview uses and whose version 2 is a draft; and another
    kit nobody of the panel interviews with."""
    make_panel(app, make_question, [users["interviewer"]], kit_title="Used kit")
    make_panel(
        app,
        make_question,
        [make_user(Role.INTERVIEWER)],
        kit_title="Other kit",
        candidate="Someone else",
    )
    with app.app_context():
        used = db.session.scalar(db.select(Kit).where(Kit.title == "Used kit"))
        other = db.session.scalar(db.select(Kit).where(Kit.title == "Other kit"))
        db.session.commit()
        return used.id, other.id


def guide_urls(kit_id: int, number: int) -> list[str]:
    return [f"/kits/{kit_id}/v/{number}/guide", f"/kits/{kit_id}/v/{number}/guide.pdf"]


def test_interviewers_read_only_published_guides_of_their_interviews(client, login, users, kits):
    used, other = kits
    login(users["interviewer"])
    for url in guide_urls(used, 1):
        assert client.get(url).status_code == 200, url
    for url in guide_urls(other, 1):
        assert client.get(url).status_code == 403, url


def test_an_interviewer_is_refused_a_draft_guide(app, client, login, users, kits):
    used, _ = kits
    login(users["manager"])
    assert client.post(f"/kits/{used}/edit").status_code == 302  # version 2, a draft
    with app.app_context():
        numbers = sorted(v.number for v in db.session.get(Kit, used).versions)
    assert numbers == [1, 2]
    for url in guide_urls(used, 2):
        assert client.get(url).status_code == 200, url  # managers read drafts
    login(users["interviewer"])
    for url in guide_urls(used, 2):
        assert client.get(url).status_code == 403, url
