"""Question pages parse into exactly what they say, whatever their small variations."""

import os
from pathlib import Path

import pytest

from hiring.questions.models import Tier
from hiring.questions.parsing import PageError, parse_file, parse_page

# The real question page the importer is built for lives beside the checkout.
SEEDS = Path(
    os.environ.get("HIRING_SEEDS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "seeds"
)


@pytest.fixture(scope="module")
def seed_text() -> str:
    pages = sorted(SEEDS.glob("*.txt"))
    assert pages, f"the seed question page is expected in {SEEDS}"
    return pages[0].read_text(encoding="utf-8")


PAGE = """How do you keep a release on schedule?

ENTRY LEVEL
How do you keep a release on schedule?
Sample answer to the question:
I make a plan and follow it.
Here is a more solid answer:
I break the work down and track risks weekly.
Why is this a more solid answer?
It shows a method.
An example of an exceptional answer:
I agree scope, track risks, and cut early.
Why is this an exceptional answer?
It shows judgement.
How to prepare for this question:
• Know your last release.
• Bring numbers.
What are interviewers evaluating with this question?
• Planning
• Communication

Want content like this in your inbox?
Sign Up for our Newsletter

Related Interview Questions
• Some other question that must not become a competency
"""


def test_seed_page_parses_to_exactly_its_content(seed_text):
    q = parse_page(seed_text, "seed.txt")
    assert q.prompt == "How do you empower clients to take an active role in their therapy?"
    assert q.level == "intermediate"
    assert set(q.tiers) == {Tier.BASIC, Tier.SOLID, Tier.EXCEPTIONAL}
    assert q.tiers[Tier.BASIC].answer.startswith("In therapy, it is crucial to empower clients")
    assert q.tiers[Tier.BASIC].rationale is None
    assert q.tiers[Tier.SOLID].answer.startswith("In my work with clients, I take several steps")
    assert q.tiers[Tier.SOLID].rationale.startswith("The solid answer expands on the basic")
    assert q.tiers[Tier.EXCEPTIONAL].answer.startswith("As a mental health therapist")
    assert q.tiers[Tier.EXCEPTIONAL].answer.endswith("achieve meaningful transformations.")
    assert q.tiers[Tier.EXCEPTIONAL].rationale.startswith("The exceptional answer goes into")
    assert len(q.prep_tips) == 5
    assert q.prep_tips[0].startswith("Familiarize yourself with various therapeutic techniques")
    assert q.prep_tips[4] == (
        "Consider potential challenges that may arise when empowering clients and think "
        "about how you would address them."
    )
    assert q.competencies == [
        "Strong interpersonal and communication skills",
        "Empathy and sensitivity towards clients' needs and cultural diversity",
        "Proficiency in various therapeutic techniques and interventions",
        "Ability to work independently and as part of a multidisciplinary team",
        "Critical thinking and problem-solving abilities",
        "Time management and organizational skills",
        "Crisis intervention and conflict resolution skills",
    ]
    assert not any("Newsletter" in c or "Sign" in c for c in q.competencies + q.prep_tips)


def test_crlf_line_endings(seed_text):
    crlf = parse_page(seed_text.replace("\n", "\r\n"), "crlf.txt")
    assert crlf == parse_page(seed_text, "lf.txt")


def test_byte_order_mark():
    bank = parse_file(("\ufeff" + PAGE).encode("utf-8"), "bom.txt")
    assert bank.questions[0].prompt == "How do you keep a release on schedule?"


@pytest.mark.parametrize("bullet", ["•", "-", "*", "·"])
def test_bullet_styles(bullet):
    q = parse_page(PAGE.replace("•", bullet), "bullets.txt")
    assert q.prep_tips == ["Know your last release.", "Bring numbers."]
    assert q.competencies == ["Planning", "Communication"]


@pytest.mark.parametrize("article", ["a", "an"])
def test_a_or_an_before_exceptional(article):
    page = PAGE.replace("An example of an exceptional", f"An example of {article} exceptional")
    q = parse_page(
        page.replace("Why is this an exceptional", f"Why is this {article} exceptional"),
        "article.txt",
    )
    assert q.tiers[Tier.EXCEPTIONAL].answer == "I agree scope, track risks, and cut early."
    assert q.tiers[Tier.EXCEPTIONAL].rationale == "It shows judgement."


def test_missing_solid_tier():
    page = PAGE.replace(
        "Here is a more solid answer:\nI break the work down and track risks weekly.\n"
        "Why is this a more solid answer?\nIt shows a method.\n",
        "",
    )
    q = parse_page(page, "nosolid.txt")
    assert set(q.tiers) == {Tier.BASIC, Tier.EXCEPTIONAL}


def test_missing_rationale():
    q = parse_page(
        PAGE.replace("Why is this a more solid answer?\nIt shows a method.\n", ""),
        "norationale.txt",
    )
    assert q.tiers[Tier.SOLID].answer == "I break the work down and track risks weekly."
    assert q.tiers[Tier.SOLID].rationale is None


def test_trailing_boilerplate_is_dropped():
    q = parse_page(PAGE, "page.txt")
    assert q.competencies == ["Planning", "Communication"]
    assert "Want content" not in q.tiers[Tier.EXCEPTIONAL].rationale


def test_levels_are_lowercase():
    assert parse_page(PAGE.replace("ENTRY LEVEL", "ADVANCED LEVEL"), "x.txt").level == "advanced"


def test_markup_is_kept_as_written():
    q = parse_page(
        PAGE.replace("I make a plan", "<script>alert(1)</script> <b>I</b> make a plan"),
        "markup.txt",
    )
    assert q.tiers[Tier.BASIC].answer.startswith("<script>alert(1)</script> <b>I</b>")


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "no prompt found"),
        ("\n\n  \n", "no prompt found"),
        ("Shopping list\nmilk\neggs\n", "no level line"),
        (
            "What is it?\nENTRY LEVEL\nWhat is it?\nHow to prepare for this question:\n• x\n",
            "no sample answer found",
        ),
        ("Sample answer to the question:\nfoo\n", "no prompt found"),
        ("x" * 1200 + "\nENTRY LEVEL\nSample answer to the question:\nyes\n", "longer than"),
    ],
)
def test_not_a_question_page(text, reason):
    with pytest.raises(PageError, match=reason) as error:
        parse_page(text, "notes.txt")
    assert str(error.value).startswith("notes.txt: ")


def test_binary_file_is_refused():
    with pytest.raises(PageError, match="not UTF-8 text"):
        parse_file(b"\xff\xfe\x00\x01\x80", "image.txt")


@pytest.mark.parametrize(
    "document, reason",
    [
        ("{not json", "not valid JSON"),
        ('{"format": "other", "version": 1, "questions": []}', "not a question bank document"),
        ('{"format": "hiring-question-bank", "version": 9, "questions": []}', "unsupported"),
        (
            '{"format": "hiring-question-bank", "version": 1, "questions": [{"prompt": ""}]}',
            "prompt must be a non-empty string",
        ),
        (
            '{"format": "hiring-question-bank", "version": 1, "questions": [{"prompt": "Q?"}]}',
            "has no sample answer",
        ),
        (
            '{"format": "hiring-question-bank", "version": 1, "questions": '
            '[{"prompt": "Q?", "tiers": {"great": {"answer": "a"}}}]}',
            "basic, solid or exceptional",
        ),
    ],
)
def test_malformed_bank_documents(document, reason):
    with pytest.raises(PageError, match=reason):
        parse_file(document.encode(), "bank.json")


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("bank.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("bank.docx", b"PK\x03\x04\x14\x00\x06\x00"),
        ("question.pdf", b"%PDF-1.4 plain ascii body, still a PDF"),
    ],
)
def test_a_file_of_another_format_names_the_formats_accepted(name, raw):
    with pytest.raises(PageError) as refused:
        parse_file(raw, name)
    said = str(refused.value)
    assert "a question page (.txt) or a bank (.json)" in said
    assert "level line" not in said
