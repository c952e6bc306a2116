"""Finding candidates by any part of their name, e-mail or role: from an index (FTS5
trigrams on SQLite, pg_trgm on PostgreSQL) for three characters or more, by a scan for
fewer; what the user types is text, never a pattern or a query."""

import pytest

from hiring.extensions import db
from hiring.interviews import queries
from hiring.interviews.models import Candidate


class Reader:
    """An admin, who may see every candidate: what is found is the search's doing."""

    id, is_admin, is_manager = 0, True, True


@pytest.fixture
def people(app):
    with app.app_context():
        for name, email, role in [
            ("Ada Lovelace", "ada@example.org", "Analyst"),
            ("Grace Hopper", "grace@navy.example", "Compiler engineer"),
            ("Edsger Dijkstra", "", "Engineer"),
            ('Zoë "Z" Müller_50%', "zoe@example.org", ""),
        ]:
            db.session.add(Candidate(name=name, email=email, role=role))
        db.session.commit()


def names(app, text: str) -> list[str]:
    admin = Reader()
    with app.app_context():
        found = db.session.scalars(queries.candidates(admin, text)).all()
        picked = queries.candidate_choices(admin, text)
        assert sorted(c.name for c in found) == sorted(c.name for c in picked)
        return sorted(c.name for c in found)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("lovelace", ["Ada Lovelace"]),
        ("OVELA", ["Ada Lovelace"]),  # any part, any case
        ("navy", ["Grace Hopper"]),  # e-mail
        ("engineer", ["Edsger Dijkstra", "Grace Hopper"]),  # role
        ("ace", ["Ada Lovelace", "Grace Hopper"]),
        ("er_5", ['Zoë "Z" Müller_50%']),  # _ is a character, not a wildcard
        ("50%", ['Zoë "Z" Müller_50%']),
        ('"Z"', ['Zoë "Z" Müller_50%']),  # quotes are text, not FTS syntax
        ("üll", ['Zoë "Z" Müller_50%']),
        ("Gr", ["Grace Hopper"]),  # shorter than a trigram: scanned
        ("zz%", []),
        ("nobody", []),
    ],
)
def test_candidates_are_found_by_any_part(app, people, typed, expected):
    assert names(app, typed) == expected


def test_the_index_follows_edits_and_deletes(app, people):
    with app.app_context():
        ada = db.session.scalar(db.select(Candidate).where(Candidate.name == "Ada Lovelace"))
        ada.name = "Ada King"
        db.session.commit()
    assert names(app, "lovelace") == [] and names(app, "king") == ["Ada King"]
    with app.app_context():
        db.session.delete(
            db.session.scalar(db.select(Candidate).where(Candidate.name == "Ada King"))
        )
        db.session.commit()
    assert names(app, "king") == []


def test_the_list_page_searches(app, client, login, users, people):
    login(users["manager"])
    page = client.get("/candidates/?q=hopp").get_data(as_text=True)
    assert "Grace Hopper" in page and "Ada Lovelace" not in page
    options = client.get("/candidates/options.json?q=hopp").get_json()["candidates"]
    assert [o["label"] for o in options] == ["Grace Hopper · Compiler engineer"]
