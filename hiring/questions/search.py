"""Full-text search of the question bank, one interface over each database's own engine.

What is searched is `Question.search_text`: the prompt, every sample answer and why, the
preparation tips, the tags and the competency names. Each word typed matches words that
start with it; results are ranked by relevance.

- SQLite: an FTS5 index (external content, kept in step by triggers), ranked by bm25,
  with FTS5's snippets; "did you mean" looks through the index's own vocabulary.
- PostgreSQL: a stored tsvector column with a GIN index for matching and ts_rank for
  ranking, ts_headline for snippets; the bank's words, kept by a trigger in a table with
  a pg_trgm index, give "did you mean".

The index objects are created by the migrations, and by `create_all` through the DDL
events below; Alembic's comparison leaves them out (`OUTSIDE_MODELS`).
"""

import re

from markupsafe import Markup, escape
from rapidfuzz import fuzz, process
from sqlalchemy import Select, bindparam, false, text

from hiring.extensions import OUTSIDE_MODELS, db, kept_by_hand
from hiring.questions.models import Question

START, STOP = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS question_fts USING fts5(search_text, "
    "content='questions', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS question_fts_terms USING fts5vocab(question_fts, 'row')",
    "CREATE TRIGGER IF NOT EXISTS question_fts_insert AFTER INSERT ON questions BEGIN "
    "INSERT INTO question_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS question_fts_delete AFTER DELETE ON questions BEGIN "
    "INSERT INTO question_fts(question_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS question_fts_update AFTER UPDATE OF search_text ON questions "
    "BEGIN INSERT INTO question_fts(question_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO question_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS question_fts_terms", "DROP TABLE IF EXISTS question_fts"]
POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Stored, so that ranking reads the vector instead of computing it for every match.
    "ALTER TABLE questions ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_questions_search_fts ON questions USING gin (search_vector)",
    # The bank's words, for "did you mean": kept by a trigger, matched by trigrams.
    "CREATE TABLE IF NOT EXISTS question_terms (term text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS ix_question_terms_trgm ON question_terms "
    "USING gin (term gin_trgm_ops)",
    "CREATE OR REPLACE FUNCTION question_terms_add() RETURNS trigger AS $$ BEGIN "
    "INSERT INTO question_terms(term) SELECT lexeme FROM unnest(NEW.search_vector) "
    "ON CONFLICT DO NOTHING; RETURN NEW; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS question_terms_add ON questions",
    "CREATE TRIGGER question_terms_add AFTER INSERT OR UPDATE OF search_text ON questions "
    "FOR EACH ROW EXECUTE FUNCTION question_terms_add()",
    "INSERT INTO question_terms(term) SELECT DISTINCT lexeme FROM questions, "
    "unnest(search_vector) ON CONFLICT DO NOTHING",
]
POSTGRES_DROP = [
    "DROP TABLE IF EXISTS question_terms",
    "DROP FUNCTION IF EXISTS question_terms_add() CASCADE",
]
OUTSIDE_MODELS.extend(
    [
        "question_fts",
        "ix_questions_search_",
        "search_vector",
        "question_terms",
        "ix_question_terms_",
    ]
)

kept_by_hand(
    Question.__table__,
    sqlite=SQLITE_DDL,
    sqlite_drop=SQLITE_DROP,
    postgresql=POSTGRES_DDL,
    postgresql_drop=POSTGRES_DROP,
)


def words(query: str) -> list[str]:
    """The words of a query, lower-cased; everything else (quotes, operators) is dropped."""
    return [w.lower() for w in _WORD.findall(query or "")][:12]


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def matching(stmt: Select, query: str) -> Select:
    """`stmt` (over Question) narrowed to questions holding every word, best first."""
    found = words(query)
    if not found:
        # Only signs, no word ("%", "*"): nothing matches, and nothing is a wildcard.
        return stmt.where(false()) if (query or "").strip() else stmt
    if _postgres():
        tsquery = " & ".join(f"{w}:*" for w in found)
        rank = text(
            "ts_rank(questions.search_vector, to_tsquery('simple', CAST(:tsquery AS text))) DESC"
        ).bindparams(tsquery=tsquery)
        return stmt.where(
            text(
                "questions.search_vector @@ to_tsquery('simple', CAST(:tsquery AS text))"
            ).bindparams(tsquery=tsquery)
        ).order_by(rank, Question.prompt_key)
    fts = " ".join(f'"{w}"*' for w in found)
    ranked = (
        text(
            "SELECT rowid AS id, bm25(question_fts) AS rank FROM question_fts "
            "WHERE question_fts MATCH :fts"
        )
        .bindparams(fts=fts)
        .columns(id=db.Integer, rank=db.Float)
        .subquery("ranked")
    )
    return stmt.join(ranked, ranked.c.id == Question.id).order_by(
        ranked.c.rank, Question.prompt_key
    )


def snippets(query: str, ids: list[int]) -> dict[int, Markup]:
    """For each question, a short passage around the words matched, the words marked."""
    found = words(query)
    if not found or not ids:
        return {}
    if _postgres():
        rows = db.session.execute(
            text(
                "SELECT id, ts_headline('simple', search_text, to_tsquery('simple', :q), "
                "'StartSel=\x02, StopSel=\x03, MaxWords=22, MinWords=8, MaxFragments=1') "
                "FROM questions WHERE id = ANY(:ids)"
            ),
            {"q": " & ".join(f"{w}:*" for w in found), "ids": ids},
        )
    else:
        rows = db.session.execute(
            text(
                "SELECT rowid, snippet(question_fts, 0, :start, :stop, '…', 18) FROM question_fts "
                "WHERE question_fts MATCH :fts AND rowid IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"fts": " ".join(f'"{w}"*' for w in found), "start": START, "stop": STOP, "ids": ids},
        )
    return {row[0]: marked(row[1] or "") for row in rows}


_MARKS = {START: Markup("<mark>"), STOP: Markup("</mark>")}


def marked(snippet: str) -> Markup:
    """A snippet escaped, its matched words in <mark>; the index's lines (prompt, answers,
    tips, tags, competencies) kept apart by a middle dot."""
    lines = (" ".join(line.split()) for line in snippet.splitlines())
    pieces = re.split(f"({START}|{STOP})", " · ".join(line for line in lines if line))
    return Markup("").join(_MARKS.get(piece) or escape(piece) for piece in pieces)


def did_you_mean(query: str) -> str | None:
    """The query with each word the bank does not hold replaced by the closest one it
    does; None when every word is there or nothing is close."""
    found = words(query)
    if not found:
        return None
    changed, out = False, []
    for word in found:
        if _known(word):
            out.append(word)
            continue
        better = _closest(word)
        if better is None:
            out.append(word)
        else:
            out.append(better)
            changed = True
    return " ".join(out) if changed else None


def _known(word: str) -> bool:
    if _postgres():
        return bool(
            db.session.scalar(
                text(
                    "SELECT EXISTS (SELECT 1 FROM questions "
                    "WHERE search_vector @@ to_tsquery('simple', CAST(:q AS text)))"
                ),
                {"q": f"{word}:*"},
            )
        )
    return bool(
        db.session.scalar(
            text(
                "SELECT EXISTS (SELECT 1 FROM question_fts_terms WHERE term >= :w AND term < :end)"
            ),
            {"w": word, "end": word + "\uffff"},
        )
    )


def _closest(word: str) -> str | None:
    if len(word) < 3:
        return None
    if _postgres():
        # The trigram index on the bank's words finds those like this one.
        candidates = db.session.scalars(
            text(
                "SELECT term FROM question_terms WHERE term % :w "
                "ORDER BY similarity(term, :w) DESC LIMIT 20"
            ),
            {"w": word},
        ).all()
    else:
        candidates = db.session.scalars(
            text("SELECT term FROM question_fts_terms WHERE length(term) BETWEEN :a AND :b"),
            {"a": max(3, len(word) - 2), "b": len(word) + 2},
        ).all()
    for term, _, _ in process.extract(
        word, candidates, scorer=fuzz.ratio, score_cutoff=75, limit=5
    ):
        if _known(term):  # a word of a question still in the bank
            return term
    return None
