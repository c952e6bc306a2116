"""Candidates are found by any part of their name, e-mail or role from an index: FTS5 with
trigrams on SQLite, a pg_trgm GIN index on PostgreSQL (see hiring/interviews/search.py).

Revision ID: 7c3e9d2a4b10
Revises: 011378d3efd6
Create Date: 2026-11-26 13:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c3e9d2a4b10'
down_revision = '011378d3efd6'
branch_labels = None
depends_on = None

# As the models' DDL events make them (hiring/interviews/search.py) at this revision.
SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS candidate_fts USING fts5(name, email, role, content='candidates', content_rowid='id', tokenize='trigram')",
    'CREATE TRIGGER IF NOT EXISTS candidate_fts_insert AFTER INSERT ON candidates BEGIN INSERT INTO candidate_fts(rowid, name, email, role) VALUES (new.id, new.name, new.email, new.role); END',
    "CREATE TRIGGER IF NOT EXISTS candidate_fts_delete AFTER DELETE ON candidates BEGIN INSERT INTO candidate_fts(candidate_fts, rowid, name, email, role) VALUES ('delete', old.id, old.name, old.email, old.role); END",
    "CREATE TRIGGER IF NOT EXISTS candidate_fts_update AFTER UPDATE OF name, email, role ON candidates BEGIN INSERT INTO candidate_fts(candidate_fts, rowid, name, email, role) VALUES ('delete', old.id, old.name, old.email, old.role); INSERT INTO candidate_fts(rowid, name, email, role) VALUES (new.id, new.name, new.email, new.role); END",
]
POSTGRES_DDL = [
    'CREATE EXTENSION IF NOT EXISTS pg_trgm',
    "CREATE INDEX IF NOT EXISTS ix_candidates_search_trgm ON candidates USING gin ((lower(name || ' ' || coalesce(email, '') || ' ' || coalesce(role, ''))) gin_trgm_ops)",
]


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE_DDL:
            op.execute(statement)
        op.execute("INSERT INTO candidate_fts(candidate_fts) VALUES ('rebuild')")
    else:
        for statement in POSTGRES_DDL:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS candidate_fts_{trigger}')
        op.execute('DROP TABLE IF EXISTS candidate_fts')
    else:
        op.execute('DROP INDEX IF EXISTS ix_candidates_search_trgm')
