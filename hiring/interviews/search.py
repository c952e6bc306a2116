"""Finding candidates by any part of their name, e-mail or role, from an index.

- SQLite: an FTS5 index with the trigram tokenizer (external content, kept in step by
  triggers), which finds any run of three or more characters.
- PostgreSQL: a pg_trgm GIN index on the lower-cased name, e-mail and role together,
  which serves LIKE '%...%' on that same expression.

Shorter text (one or two characters, as the picker sees while typing) is matched with a
scan, which such short text needs anyway. The index objects are created by a migration,
and by `create_all` through the DDL events below.
"""

from sqlalchemy import ColumnElement, or_, text

from hiring.extensions import OUTSIDE_MODELS, db, kept_by_hand
from hiring.interviews.models import Candidate

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS candidate_fts USING fts5(name, email, role, "
    "content='candidates', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS candidate_fts_insert AFTER INSERT ON candidates BEGIN "
    "INSERT INTO candidate_fts(rowid, name, email, role) "
    "VALUES (new.id, new.name, new.email, new.role); END",
    "CREATE TRIGGER IF NOT EXISTS candidate_fts_delete AFTER DELETE ON candidates BEGIN "
    "INSERT INTO candidate_fts(candidate_fts, rowid, name, email, role) "
    "VALUES ('delete', old.id, old.name, old.email, old.role); END",
    "CREATE TRIGGER IF NOT EXISTS candidate_fts_update AFTER UPDATE OF name, email, role "
    "ON candidates BEGIN "
    "INSERT INTO candidate_fts(candidate_fts, rowid, name, email, role) "
    "VALUES ('delete', old.id, old.name, old.email, old.role); "
    "INSERT INTO candidate_fts(rowid, name, email, role) "
    "VALUES (new.id, new.name, new.email, new.role); END",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS candidate_fts"]
# The expression the PostgreSQL index is on; a query must use the same one.
SEARCHED = "lower({t}name || ' ' || coalesce({t}email, '') || ' ' || coalesce({t}role, ''))"
POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS ix_candidates_search_trgm ON candidates "
    f"USING gin (({SEARCHED.format(t='')}) gin_trgm_ops)",
]
OUTSIDE_MODELS.extend(["candidate_fts", "ix_candidates_search_"])
SHORTEST = 3  # characters in a trigram

kept_by_hand(
    Candidate.__table__, sqlite=SQLITE_DDL, sqlite_drop=SQLITE_DROP, postgresql=POSTGRES_DDL
)


def _like(value: str) -> str:
    """`value` as a LIKE pattern that matches it anywhere, with its own % and _ literal."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(value: str) -> ColumnElement[bool]:
    """A condition on Candidate: `value` appears in the name, e-mail or role."""
    value = value.strip()
    dialect = db.session.get_bind().dialect.name
    if len(value) >= SHORTEST and dialect == "sqlite":
        phrase = '"' + value.replace('"', '""') + '"'
        return Candidate.id.in_(
            text("SELECT rowid FROM candidate_fts WHERE candidate_fts MATCH :phrase").bindparams(
                phrase=phrase
            )
        )
    if dialect == "postgresql":
        searched = SEARCHED.format(t="candidates.")
        return text(f"{searched} LIKE :pattern ESCAPE '\\'").bindparams(
            pattern=_like(value.lower())
        )
    pattern = _like(value)
    return or_(
        *(
            column.ilike(pattern, escape="\\")
            for column in (Candidate.name, Candidate.email, Candidate.role)
        )
    )
