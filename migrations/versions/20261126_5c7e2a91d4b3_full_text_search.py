"""Full-text search of the question bank: FTS5 on SQLite, tsvector and pg_trgm GIN
indexes on PostgreSQL (a stored tsvector, and the bank's words for "did you mean"). Existing rows are indexed; their search text is refreshed by the
application the next time each question is saved or imported.

Revision ID: 5c7e2a91d4b3
Revises: 9f1f45002347
Create Date: 2026-11-26 10:20:00

"""
from alembic import op

from hiring.questions.search import POSTGRES_DDL, POSTGRES_DROP, SQLITE_DDL, SQLITE_DROP

# revision identifiers, used by Alembic.
revision = '5c7e2a91d4b3'
down_revision = '9f1f45002347'
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DDL:
            op.execute(statement)
        op.execute("INSERT INTO question_fts(question_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        for statement in POSTGRES_DDL:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("question_fts_insert", "question_fts_delete", "question_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in SQLITE_DROP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS question_terms_add ON questions")
        for statement in POSTGRES_DROP:
            op.execute(statement)
        op.execute("DROP INDEX IF EXISTS ix_questions_search_fts")
        op.execute("ALTER TABLE questions DROP COLUMN IF EXISTS search_vector")
