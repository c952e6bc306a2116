"""Read question pages (plain text) and bank documents (JSON) into QuestionData.

Nothing here touches the database: a whole batch is parsed and checked first, so
that a bad file refuses the batch before anything is written.
"""

import json
import re
from dataclasses import dataclass, field

from hiring import inputs
from hiring.questions.models import Tier
from hiring.text import NAME_MAX, TEXT_MAX, clean, clean_tree

BANK_FORMAT = "hiring-question-bank"
BANK_VERSION = 1
PROMPT_MAX = 1000


class PageError(ValueError):
    """A file that is not a question page or bank document, with the reason."""


@dataclass
class TierData:
    answer: str
    rationale: str | None = None


@dataclass
class QuestionData:
    prompt: str
    level: str = ""
    role_family: str = ""
    tags: list[str] = field(default_factory=list)
    tiers: dict[Tier, TierData] = field(default_factory=dict)
    prep_tips: list[str] = field(default_factory=list)
    competencies: list[str] = field(default_factory=list)
    archived: bool = False
    # What the importer noticed and set aside, for its report.
    warnings: list[str] = field(default_factory=list)


@dataclass
class CompetencyData:
    name: str
    description: str = ""
    anchors: dict[int, str] = field(default_factory=dict)


@dataclass
class BankData:
    questions: list[QuestionData] = field(default_factory=list)
    competencies: list[CompetencyData] = field(default_factory=list)


# Section headings of a question page, matched on a lower-cased, trimmed line.
_HEADINGS = [
    ("basic", re.compile(r"sample answer to the question\s*:?")),
    ("basic_why", re.compile(r"why is this an? (basic|sample) answer\s*\??")),
    ("solid", re.compile(r"here is a more solid answer\s*:?")),
    ("solid_why", re.compile(r"why is this an? (more )?solid answer\s*\??")),
    ("exceptional", re.compile(r"an? example of an? exceptional answer\s*:?")),
    ("exceptional_why", re.compile(r"why is this an? exceptional answer\s*\??")),
    ("prep", re.compile(r"how to prepare for this question\s*:?")),
    ("evaluating", re.compile(r"what are interviewers evaluating with this question\s*\??")),
]
_LEVEL = re.compile(r"([a-z][a-z -]{0,28}?)\s+level")
_BULLET = re.compile(r"^(?:[•·*\-–—▪◦●]|\d+[.)])\s*")
# Trailing newsletter / sign-up / related-questions lines: the page ends where they start.
_BOILERPLATE = re.compile(
    r"(want content like this|sign up for our newsletter|by clicking \"?sign up|"
    r"related interview questions)"
)


def decode(raw: bytes, filename: str) -> str:
    """Text of an uploaded file: UTF-8 with or without a byte-order mark."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PageError(f"{filename}: not UTF-8 text") from error


def _heading(line: str) -> str | None:
    lowered = line.strip().lower()
    return next((name for name, pattern in _HEADINGS if pattern.fullmatch(lowered)), None)


def _paragraphs(lines: list[str]) -> str:
    text = "\n".join(line.strip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _items(lines: list[str]) -> list[str]:
    items = [_BULLET.sub("", line.strip()).strip() for line in lines]
    return [item for item in items if item]


def parse_page(text: str, filename: str) -> QuestionData:
    """Parse one question page; raise PageError naming the file and the reason."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    content = [line.strip() for line in lines]
    while content and not content[0]:
        content.pop(0)
    if not content:
        raise PageError(f"{filename}: the file is empty, no prompt found")
    prompt = content[0]
    if _heading(prompt) or _LEVEL.fullmatch(prompt.lower()):
        raise PageError(f"{filename}: no prompt found before the first heading")
    if len(prompt) > PROMPT_MAX:
        raise PageError(f"{filename}: the prompt is longer than {PROMPT_MAX} characters")

    level = None
    warnings = []
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in content[1:]:
        if _BOILERPLATE.search(line.lower()):
            break
        name = _heading(line)
        if name is not None:
            current = name
            sections.setdefault(name, [])
            continue
        if current is None:
            # Before the first heading only the level line counts (the prompt repeats there).
            match = _LEVEL.fullmatch(line.lower())
            if match and level is None:
                level = re.sub(r"\s+", " ", match.group(1)).strip()
            elif match:
                warnings.append(
                    f"{filename}: a second level line (“{line}”) was ignored; the first "
                    f"(“{level}”) is kept"
                )
            continue
        sections[current].append(line)

    if level is None:
        raise PageError(f"{filename}: no level line (such as INTERMEDIATE LEVEL) found")
    tiers = {}
    for tier in Tier:
        answer = _paragraphs(sections.get(tier.value, []))
        rationale = _paragraphs(sections.get(f"{tier.value}_why", [])) or None
        if answer:
            tiers[tier] = TierData(answer, rationale)
    if not tiers:
        raise PageError(f"{filename}: no sample answer found")
    return QuestionData(
        prompt=" ".join(prompt.split()),
        level=level,
        tiers=tiers,
        prep_tips=_items(sections.get("prep", [])),
        competencies=dedupe(_items(sections.get("evaluating", []))),
        warnings=warnings,
    )


def dedupe(names: list[str]) -> list[str]:
    """Names once each (any case or spacing), the first spelling kept."""
    seen, kept = set(), []
    for name in names:
        key = " ".join(name.split()).casefold()
        if key not in seen:
            seen.add(key)
            kept.append(" ".join(name.split()))
    return kept


def _text(value, what: str, filename: str, limit: int = TEXT_MAX, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise PageError(f"{filename}: {what} must be a non-empty string")
    if len(value) > limit:
        raise PageError(f"{filename}: {what} is longer than {limit} characters")
    return value


def _strings(value, what: str, filename: str, limit: int = TEXT_MAX) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PageError(f"{filename}: {what} must be a list of strings")
    return [_text(item, what, filename, limit) for item in value]


def parse_bank(text: str, filename: str) -> BankData:
    """Parse a JSON bank document as written by export-questions."""
    try:
        document = clean_tree(inputs.loads(text))
    except json.JSONDecodeError as error:
        raise PageError(f"{filename}: not valid JSON ({error.msg}, line {error.lineno})") from None
    except ValueError as error:
        raise PageError(f"{filename}: {error}") from None
    if not isinstance(document, dict) or document.get("format") != BANK_FORMAT:
        raise PageError(f'{filename}: not a question bank document (format is not "{BANK_FORMAT}")')
    if document.get("version") != BANK_VERSION:
        raise PageError(f"{filename}: unsupported bank version {document.get('version')!r}")
    bank = BankData()
    for n, entry in enumerate(document.get("competencies") or [], start=1):
        where = f"competency {n}"
        if not isinstance(entry, dict):
            raise PageError(f"{filename}: {where} must be an object")
        anchors = entry.get("anchors") or {}
        if not isinstance(anchors, dict) or not all(
            str(k).isascii() and str(k).isdecimal() and 1 <= int(k) <= 7 for k in anchors
        ):
            raise PageError(f"{filename}: {where} anchors must map points 1-7 to text")
        bank.competencies.append(
            CompetencyData(
                name=_text(entry.get("name"), f"{where} name", filename, NAME_MAX),
                description=_text(
                    entry.get("description"), f"{where} description", filename, required=False
                ),
                anchors={
                    int(k): _text(v, f"{where} anchor {k}", filename) for k, v in anchors.items()
                },
            )
        )
    questions = document.get("questions")
    if not isinstance(questions, list):
        raise PageError(f"{filename}: questions must be a list")
    for n, entry in enumerate(questions, start=1):
        where = f"question {n}"
        if not isinstance(entry, dict):
            raise PageError(f"{filename}: {where} must be an object")
        prompt = _text(entry.get("prompt"), f"{where} prompt", filename, PROMPT_MAX)
        raw_tiers = entry.get("tiers") or {}
        if not isinstance(raw_tiers, dict) or set(raw_tiers) - {t.value for t in Tier}:
            raise PageError(f"{filename}: {where} tiers must be basic, solid or exceptional")
        tiers = {}
        for name, tier in raw_tiers.items():
            if not isinstance(tier, dict):
                raise PageError(f"{filename}: {where} tier {name} must be an object")
            rationale = tier.get("rationale")
            tiers[Tier(name)] = TierData(
                _text(tier.get("answer"), f"{where} {name} answer", filename),
                _text(rationale, f"{where} {name} rationale", filename)
                if rationale is not None
                else None,
            )
        if not tiers:
            raise PageError(f"{filename}: {where} has no sample answer")
        bank.questions.append(
            QuestionData(
                prompt=" ".join(prompt.split()),
                level=_text(entry.get("level"), f"{where} level", filename, 30, required=False),
                role_family=_text(
                    entry.get("role_family"), f"{where} role family", filename, 100, required=False
                ),
                tags=_strings(entry.get("tags"), f"{where} tags", filename, 60),
                tiers=tiers,
                prep_tips=_strings(entry.get("prep_tips"), f"{where} prep tips", filename),
                competencies=dedupe(
                    _strings(entry.get("competencies"), f"{where} competencies", filename, NAME_MAX)
                ),
                archived=bool(entry.get("archived", False)),
            )
        )
    return bank


# The start of files that are documents of another kind, not text to read.
OTHER_FORMATS = {b"%PDF-": "a PDF", b"PK\x03\x04": "a Word, OpenDocument or ZIP file"}
ACCEPTED = "a question page (.txt) or a bank (.json), as text"


def parse_file(raw: bytes, filename: str) -> BankData:
    """Parse a question page (.txt) or a bank document (.json)."""
    kind = next((name for start, name in OTHER_FORMATS.items() if raw.startswith(start)), None)
    if kind is not None or filename.lower().endswith((".pdf", ".docx", ".doc", ".odt")):
        raise PageError(
            f"{filename}: this is {kind or 'not a text file'}; the import reads {ACCEPTED}."
        )
    text = clean(decode(raw, filename))
    if filename.lower().endswith(".json") or text.lstrip().startswith("{"):
        return parse_bank(text, filename)
    return BankData(questions=[parse_page(text, filename)])
