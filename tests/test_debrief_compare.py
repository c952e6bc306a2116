"""Candidates of one kit compared across its versions; and the debrief pages' SQL
statements stay the same in number whatever the data size."""

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from hiring.auth.models import Role, User
from hiring.debrief import queries
from hiring.debrief.models import Decision
from hiring.extensions import db, utcnow
from hiring.interviews.models import Candidate, Scorecard
from hiring.interviews.operations import schedule
from hiring.kits import operations as kit_ops
from hiring.kits.models import KitVersion
from hiring.questions.models import Question
from hiring.questions.operations import competency_named
from hiring.scorecards import operations as ops
from tests.conftest import queries_of_page
from tests.scoring import make_panel
from tests.test_debrief_pdf import get_pdf, read


def rate(scorecard: Scorecard, values: list[int | None], recommendation="yes") -> None:
    """Fill and submit a scorecard through the app's own operations."""
    version = scorecard.interview.kit_version
    changes = {"recommendation": recommendation, "summary": "Summary."}
    for kc, value in zip(version.competencies, values, strict=False):
        if value is None:
            changes[f"rating:{kc.id}:not_assessed"] = True
        else:
            changes[f"rating:{kc.id}:value"] = value
            changes[f"rating:{kc.id}:evidence"] = "Evidence."
    for item in version.items:
        changes[f"item:{item.id}:notes"] = "Notes."
    saved = ops.save(scorecard.id, scorecard.interviewer_id, scorecard.version, changes, 10_000)
    assert not saved.errors, saved.errors
    ops.submit(scorecard)


def add_candidates(app, version_id, panel, ratings, *, days_ago=1, names=None):
    """Candidates interviewed on a version by `panel`, each rated `ratings[n]` per rater."""
    ids = []
    with app.app_context():
        version = db.session.get(KitVersion, version_id)
        people = [db.session.get(User, u.id) for u in panel]
        for n, per_rater in enumerate(ratings):
            name = names[n] if names else f"Candidate {version_id}-{n}"
            person = Candidate(name=name, role="Support")
            db.session.add(person)
            interview = schedule(person, version, utcnow() - timedelta(days=days_ago), people)
            for scorecard, values in zip(interview.scorecards, per_rater, strict=False):
                if values is not None:
                    rate(scorecard, values)
            ids.append(person.id)
        db.session.commit()
    return ids


@pytest.fixture
def raters(make_user):
    return [make_user(Role.INTERVIEWER, name=n) for n in ("Ann", "Ben")]


@pytest.fixture
def kit(app, make_question, raters):
    """A kit rating Skill 0 and Skill 1 on 4 points, used by one interview."""
    return make_panel(app, make_question, raters, candidate="First")


@pytest.fixture
def kit_id(app, kit) -> int:
    """The id of the kit the `kit` panel's version belongs to."""
    with app.app_context():
        return db.session.get(KitVersion, kit.kit_version_id).kit_id


def second_version(app, kit_id_of_version: int) -> int:
    """Version 2: Skill 1 dropped, Leadership added, a 5-point scale."""
    with app.app_context():
        v1 = db.session.get(KitVersion, kit_id_of_version)
        v2 = kit_ops.draft_of(v1.kit)
        dropped = next(kc for kc in v2.competencies if kc.display_name == "Skill 1")
        kit_ops.remove_competency(v2, dropped)
        kit_ops.add_competency(v2, competency_named("Leadership"))
        kit_ops.set_scale(v2, ["1", "2", "3", "4", "5"])
        kit_ops.publish(v2)
        db.session.commit()
        return v2.id


def test_compare_across_versions_on_shared_competencies(
    app, client, login, users, kit, kit_id, raters
):
    add_candidates(app, kit.kit_version_id, raters, [[[4, 2], [4, 2]]], names=["Vera"])
    v2 = second_version(app, kit.kit_version_id)
    add_candidates(app, v2, raters, [[[5, 3], [3, 1]]], names=["Walt"])
    add_candidates(app, v2, raters, [[[1, 1], None]], names=["Xena"])  # one scorecard only

    login(users["manager"])
    page = client.get(f"/kits/{kit_id}/compare").get_data(as_text=True)
    # Skill 0 is rated by both versions; Skill 1 and Leadership are not compared.
    assert "Skill 0" in page and "Not compared" in page
    assert "Skill 1 (version 1)" in page and "Leadership (version 2)" in page
    assert "placed on it, ends on ends" in page  # a 4-point and a 5-point scale
    data = json.loads(client.get(f"/kits/{kit_id}/compare.json").data)
    rows = {r["candidate"]: r for r in data["candidates"]}
    # Vera: 4 and 4 on 4 points is 5 on 5. Walt: 5 and 3 on 5 points: 4.
    assert rows["Vera"]["means"]["Skill 0"] == 5.0 and rows["Walt"]["overall"] == 4.0
    assert rows["Xena"]["too_few_to_compare"] and rows["Xena"]["scorecards"] == 1
    # First's panel has submitted nothing yet: not compared, not listed.
    assert "First" not in rows
    assert [r["candidate"] for r in data["candidates"]] == ["Vera", "Walt", "Xena"]
    assert data["scale"] == 5 and data["rescaled"] is True

    by_name = json.loads(client.get(f"/kits/{kit_id}/compare.json?sort=name&dir=asc").data)
    assert [r["candidate"] for r in by_name["candidates"]] == ["Vera", "Walt", "Xena"]
    assert 'aria-sort="descending"' in page and "too few to compare" in page
    assert 'role="img"' in page and "Overall mean rating per candidate" in page


def test_the_page_shows_the_sorted_candidates_a_page_at_a_time(
    app, client, login, users, kit, kit_id, raters
):
    """Sorted over every candidate, shown a page at a time; the exports hold them all.
    Nora's one scorecard marks both competencies not assessed: she has no figure."""
    add_candidates(
        app,
        kit.kit_version_id,
        raters,
        [[[4, 4], [4, 4]], [[1, 1], [1, 1]], [[3, 3], [3, 3]], [[None, None], None]],
        names=["Vera", "Walt", "Xena", "Nora"],
    )
    app.config["COMPARE_PER_PAGE"] = 2
    login(users["manager"])

    def shown(query):
        page = client.get(f"/kits/{kit_id}/compare?{query}").get_data(as_text=True)
        found = [n for n in ("Nora", "Vera", "Walt", "Xena") if f">{n}</a>" in page]
        return sorted(found, key=lambda n: page.index(f">{n}</a>")), page

    names, page = shown("sort=overall&dir=desc")
    assert names == ["Vera", "Xena"] and "Page 1 of 2 · 4 in all" in page
    assert f"/kits/{kit_id}/compare?sort=overall&amp;dir=desc&amp;page=2" in page
    names, page = shown("sort=overall&dir=desc&page=2")
    # The lowest, then the candidate without a figure, last either way.
    assert names == ["Walt", "Nora"] and "Page 2 of 2" in page and 'rel="prev"' in page
    # The chart shows the page's candidates, in the table's order.
    assert "in the order of the table: Walt, Nora." in page
    # Sorting again starts at the first page; a page past the end shows the last.
    head = page.split("<thead>")[1].split("</thead>")[0]
    assert "sort=name" in head and "page=" not in head
    assert f'/kits/{kit_id}/compare.json?sort=overall&amp;dir=desc"' in page
    assert shown("sort=overall&dir=desc&page=99")[0] == ["Walt", "Nora"]
    assert shown("sort=name&dir=asc&page=0")[0] == ["Nora", "Vera"]
    data = json.loads(client.get(f"/kits/{kit_id}/compare.json?page=2").data)
    assert len(data["candidates"]) == 4


def test_filters_by_decision_and_date(app, client, login, users, kit, kit_id, raters):
    old = add_candidates(
        app, kit.kit_version_id, raters, [[[3, 3], [3, 3]]], days_ago=60, names=["Old"]
    )
    add_candidates(app, kit.kit_version_id, raters, [[[2, 2], [2, 2]]], names=["New"])
    login(users["manager"])
    client.post(f"/candidates/{old[0]}/decision", data={"outcome": "Reject", "rationale": "No."})

    def names(query):
        data = json.loads(client.get(f"/kits/{kit_id}/compare.json?{query}").data)
        return sorted(r["candidate"] for r in data["candidates"])

    assert names("decision=Reject") == ["Old"]
    assert names("decision=Undecided") == ["New"]
    since = (utcnow() - timedelta(days=7)).date().isoformat()
    assert names(f"from={since}") == ["New"]
    assert names(f"to={since}") == ["Old"]
    assert names("decision=nonsense&from=garbage&sort=%3Cx%3E") == ["New", "Old"]
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/kits/{kit_id}/compare.csv?decision=Reject").get_data(as_text=True)
            )
        )
    )
    assert rows[1][0] == "Old" and rows[1][-1] == "Reject"
    # Dates the wrong way round are named, and read the right way round.
    today = utcnow().date()
    assert names(f"from={today}&to={today - timedelta(days=90)}") == ["New", "Old"]
    page = client.get(
        f"/kits/{kit_id}/compare?from={today}&to={today - timedelta(days=90)}"
    ).get_data(as_text=True)
    assert "The dates are the wrong way round" in page


def test_the_comparison_respects_a_managers_own_pending_panel(
    app, client, login, users, kit, kit_id, raters
):
    add_candidates(
        app,
        kit.kit_version_id,
        [*raters, users["manager"]],
        [[[4, 4], [4, 4], None]],
        names=["Pending"],
    )
    login(users["manager"])
    data = json.loads(client.get(f"/kits/{kit_id}/compare.json").data)
    row = next(r for r in data["candidates"] if r["candidate"] == "Pending")
    assert row["overall"] is None and row["scorecards"] == 0
    # The page says what is hidden and why, in words.
    page = client.get(f"/kits/{kit_id}/compare").get_data(as_text=True)
    assert "1 interview hidden until you submit" in page
    assert "so that your own judgement stays independent" in page


def test_an_interview_still_to_happen_puts_no_one_in_the_comparison(
    app, client, login, users, kit, kit_id, raters
):
    """The repro: a candidate whose interview with the kit is tomorrow was listed as
    compared, with 0 scorecards."""
    add_candidates(app, kit.kit_version_id, raters, [[[4, 4], [3, 3]]], names=["Done"])
    with app.app_context():
        version = db.session.get(KitVersion, kit.kit_version_id)
        person = Candidate(name="Tomorrow", role="Support")
        db.session.add(person)
        schedule(
            person,
            version,
            utcnow() + timedelta(days=1),
            [db.session.get(User, r.id) for r in raters],
        )
        db.session.commit()
    login(users["manager"])
    data = json.loads(client.get(f"/kits/{kit_id}/compare.json").data)
    assert [r["candidate"] for r in data["candidates"]] == ["Done"]


@pytest.mark.parametrize(
    "url", ["/kits/{kit}/compare", "/kits/{kit}/compare.csv", "/kits/{kit}/compare.json"]
)
def test_comparison_is_for_managers(app, client, login, users, kit_id, url):
    login(users["interviewer"])
    assert client.get(url.format(kit=kit_id)).status_code == 403


def test_one_interviewer_per_interview_is_said_in_words(
    app, client, login, users, make_question, make_user
):
    solo = make_user(Role.INTERVIEWER, name="Solo")
    panel = make_panel(app, make_question, [solo], candidate="Alone", kit_title="Solo kit")
    with app.app_context():
        rate(db.session.get(Scorecard, panel.scorecards[solo.id]), [2, 3])
        db.session.commit()
        kit_id = db.session.get(KitVersion, panel.kit_version_id).kit_id
    login(users["manager"])
    page = client.get(f"/kits/{kit_id}/compare").get_data(as_text=True)
    assert "no interview here has two raters" in page


def test_all_ratings_equal_is_said_in_words(app, client, login, users, kit, kit_id, raters):
    add_candidates(app, kit.kit_version_id, raters, [[[3, 3], [3, 3]], [[3, 3], [3, 3]]])
    login(users["manager"])
    page = client.get(f"/kits/{kit_id}/compare").get_data(as_text=True)
    assert "every rating compared is the same point" in page
    assert client.get("/calibration").status_code == 200


def pages_for(kit_version_id, candidate_id):
    return [
        f"/candidates/{candidate_id}/debrief",
        f"/candidates/{candidate_id}/debrief.json",
        "/kits/{kit}/compare",
        "/kits/{kit}/compare.json",
        "/calibration",
        "/calibration.json",
    ]


def count_each(app, client, count_queries, urls, kit_id):
    formatted = [url.format(kit=kit_id) for url in urls]
    return {url: queries_of_page(client, count_queries, url) for url in formatted}


def test_pages_run_the_same_number_of_queries_at_5_and_100_candidates(
    app, client, login, users, kit, kit_id, raters, count_queries
):
    first = add_candidates(app, kit.kit_version_id, raters, [[[3, 2], [4, 1]]] * 5)
    login(users["manager"])
    client.post(f"/candidates/{first[0]}/decision", data={"outcome": "Hold", "rationale": "Hm."})
    urls = pages_for(kit.kit_version_id, first[0])
    small = count_each(app, client, count_queries, urls, kit_id)
    more = add_candidates(app, kit.kit_version_id, raters, [[[2, 3], [1, 4]]] * 95)
    for candidate_id in more[:20]:
        client.post(
            f"/candidates/{candidate_id}/decision", data={"outcome": "Advance", "rationale": "Yes."}
        )
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Decision)) == 21
    large = count_each(app, client, count_queries, urls, kit_id)
    assert large == small
    assert max(small.values()) <= 20, small


def test_the_kits_own_words_for_recommendations_everywhere(
    app, client, login, users, make_question, raters
):
    """The repro: a kit that says "Hold" for the middle had "Neutral" in its comparison's
    CSV header. The page, the CSV, the debrief and the packet now use the kit's words."""
    ids = [make_question("Hold question?", competencies=["Skill 0"])]
    with app.app_context():
        version = kit_ops.create_kit("Hold kit", "Role").versions[0]
        kit_ops.add_question(version, version.sections[1], db.session.get(Question, ids[0]))
        kit_ops.rate_suggested(version)
        kit_ops.set_recommendation_scale(version, ["Pass", "Hold", "Go"])
        kit_ops.publish(version)
        db.session.commit()
        version_id, kit_id = version.id, version.kit_id
    person = add_candidates(app, version_id, raters, [[None, None]], names=["Hana"])[0]
    with app.app_context():
        cards = db.session.scalars(
            select(Scorecard)
            .join(Scorecard.interview)
            .where(Scorecard.interview.has(candidate_id=person))
        ).all()
        for card, recommendation in zip(cards, ["neutral", "yes"], strict=True):
            rate(card, [3], recommendation=recommendation)
        db.session.commit()
    login(users["manager"])
    header = client.get(f"/kits/{kit_id}/compare.csv").get_data(as_text=True).splitlines()[0]
    assert "Hold" in header and "Go" in header and "Neutral" not in header
    page = client.get(f"/kits/{kit_id}/compare").get_data(as_text=True)
    assert "1 × Hold" in page and "1 × Go" in page
    debrief = client.get(f"/candidates/{person}/debrief").get_data(as_text=True)
    assert "1 × Hold" in debrief and "Neutral" not in debrief
    cover = read(get_pdf(client, f"/candidates/{person}/packet.pdf"))[1][0]
    assert "Hold" in cover and "Neutral" not in cover


def test_names_and_decisions_of_more_candidates_than_a_statement_has_parameters(app, users):
    """A kit may compare more candidates than PostgreSQL takes parameters in one statement
    (65,535): the comparison's names and decisions are read all the same, only the
    compared candidates', each decision the one in force."""
    with app.app_context():
        first, second, other = (
            Candidate(name="First"),
            Candidate(name="Second"),
            Candidate(name="Other"),
        )
        db.session.add_all([first, second, other])
        db.session.flush()
        earlier = utcnow() - timedelta(days=1)
        db.session.add_all(
            [
                Decision(candidate_id=first.id, outcome="Hold", rationale="r", decided_at=earlier),
                Decision(candidate_id=first.id, outcome="Hire", rationale="r"),
                Decision(candidate_id=other.id, outcome="Reject", rationale="r"),
            ]
        )
        db.session.commit()
        compared = [first.id, second.id, *range(10**6, 10**6 + 70_000)]
        reader = db.session.get(User, users["manager"].id)
        assert queries.candidate_names(compared, reader) == {first.id: "First", second.id: "Second"}
        assert queries.current_outcomes(compared) == {first.id: "Hire"}
