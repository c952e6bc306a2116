"""The partial indexes on open scorecards carry the interview's id: counting the overdue
ones joins their interviews from the index alone, without reading each scorecard.

Revision ID: a5e54dfc4159
Revises: a85e4defe340
Create Date: 2026-11-27 05:33:47.257367

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5e54dfc4159'
down_revision = 'a85e4defe340'
branch_labels = None
depends_on = None

OPEN = sa.text('submitted_at IS NULL AND withdrawn_at IS NULL AND removed_at IS NULL')


def _indexes(open_columns, scheduled_columns):
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_index('ix_scorecards_open', postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_scorecards_open', open_columns, unique=False, postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.drop_index('ix_scorecards_open_scheduled', postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_scorecards_open_scheduled', scheduled_columns, unique=False, postgresql_where=OPEN, sqlite_where=OPEN)


def upgrade():
    _indexes(['interviewer_id', 'scheduled_at', 'interview_id'], ['scheduled_at', 'interview_id'])


def downgrade():
    _indexes(['interviewer_id', 'scheduled_at'], ['scheduled_at'])
