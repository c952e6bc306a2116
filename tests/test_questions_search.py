"""Search that finds: one box over prompts, answers, tips, tags and competency names,
ranked, with the matched words highlighted and "did you mean" for a misspelling. The
same tests run on SQLite (FTS5) and PostgreSQL (tsvector, pg_trgm) in CI."""

from sqlalchemy import select

from hiring.extensions import db
from hiring.questions import operations as bank
from hiring.questions.models import Competency, Question, Tier
from hiring.questions.parsing import CompetencyData, TierData


def search(client, q: str) -> str:
    return client.get("/questions/", query_string={"q": q}).get_data(as_text=True)


def listed(page: str) -> list[str]:
    return [part.split("</a>")[0].split(">")[-1] for part in page.split('class="list-title"')[1:]]


def test_a_competency_name_finds_every_question_evaluating_it(client, login, users, make_question):
    for n in range(5):
        make_question(f"Ward round {n}?", competencies=["Patient safety"])
    make_question("Handover?", prep_tips=["Mention patient safety in every handover."])
    make_question("Budget?", competencies=["Data safety"])
    login(users["interviewer"])
    page = search(client, "Patient safety")
    found = listed(page)
    assert len(found) == 6 and "Budget?" not in found
    assert "<span>6 questions</span>" in page


def test_results_are_ranked_and_the_match_is_highlighted(client, login, users, make_question):
    make_question(
        "Tell me about medication errors?",
        prep_tips=["Medication, medication."],
        tiers={Tier.BASIC: TierData("I check the medication chart.")},
    )
    make_question("How do you plan a shift?", prep_tips=["Mention medication once."])
    login(users["interviewer"])
    page = search(client, "medication")
    assert listed(page)[0] == "Tell me about medication errors?"
    assert "<mark>medication</mark>" in page.lower()


def test_a_word_matches_words_starting_with_it(client, login, users, make_question):
    make_question("How do you escalate a deteriorating patient?")
    login(users["interviewer"])
    assert listed(search(client, "deterio")) == ["How do you escalate a deteriorating patient?"]


def test_a_misspelling_gets_a_suggestion(client, login, users, make_question):
    make_question("Tell me how you make sure a medication round is safe?")
    login(users["interviewer"])
    page = search(client, "medicaton round")
    assert "<span>0 questions</span>" in page
    assert "Did you mean" in page and "<strong>medication round</strong>" in page
    assert "q=medication+round" in page
    assert "Did you mean" not in search(client, "zqxwv")


def test_a_renamed_competency_is_found_by_its_new_name(app, client, login, users, make_question):
    make_question("Rename me?", competencies=["Old name"])
    with app.app_context():
        competency = db.session.scalar(select(Competency).where(Competency.name == "Old name"))
        bank.save_competency(competency, CompetencyData("Clinical reasoning"))
        db.session.commit()
    login(users["interviewer"])
    assert listed(search(client, "clinical reasoning")) == ["Rename me?"]
    assert listed(search(client, "old name")) == []


def test_markup_in_text_stays_text_in_snippets(client, login, users, make_question):
    make_question("Escaping?", prep_tips=["<script>alert(1)</script> escaping matters"])
    login(users["interviewer"])
    page = search(client, "escaping matters")
    assert "<script>alert" not in page and "<mark>escaping</mark>" in page.lower()


def test_operators_and_quotes_are_plain_words(client, login, users, make_question):
    make_question("Plain words?")
    login(users["interviewer"])
    for q in ['"plain', "plain OR NOT", "plain*", "plain:*", "(plain", "plain & |", "NEAR(plain"]:
        response = client.get("/questions/", query_string={"q": q})
        assert response.status_code == 200, q


def test_the_kit_builder_uses_the_same_search(app, client, login, users, make_question):
    from hiring.kits import operations as kit_ops

    make_question("Which skill?", competencies=["Triage"])
    with app.app_context():
        kit = kit_ops.create_kit("Search kit", "Role")
        db.session.commit()
        kit_id = kit.id
    login(users["manager"])
    page = client.get(f"/kits/{kit_id}/v/1?q=triage").get_data(as_text=True)
    assert "Which skill?" in page
    with app.app_context():
        assert db.session.scalar(select(Question.search_text)).endswith("Triage")


def test_a_snippet_keeps_the_index_lines_apart():
    """The index holds prompt, answers, tips, tags and competencies a line each: a snippet
    across them shows where one ends, never "customers Ownership and reliability"."""
    from hiring.questions.search import START, STOP, marked

    snippet = (
        f"Empathy with {START}customers{STOP}\nOwnership and reliability\n\n  Problem  diagnosis"
    )
    assert str(marked(snippet)) == (
        "Empathy with <mark>customers</mark> · Ownership and reliability · Problem diagnosis"
    )
