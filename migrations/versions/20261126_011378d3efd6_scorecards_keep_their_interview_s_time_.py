"""Scorecards keep their interview's time, so that a person's dashboard lists are index
ranges read up to their limit: (interviewer, time) for all and for open scorecards, and
time alone for the team's overdue list.

Revision ID: 011378d3efd6
Revises: dc7daab0f287
Create Date: 2026-11-26 12:39:29.866146

"""
from alembic import op
import sqlalchemy as sa

import hiring.extensions


# revision identifiers, used by Alembic.
revision = '011378d3efd6'
down_revision = 'dc7daab0f287'
branch_labels = None
depends_on = None

OPEN = 'submitted_at IS NULL AND withdrawn_at IS NULL AND removed_at IS NULL'


def upgrade():
    op.drop_index('ix_scorecards_open', table_name='scorecards')
    op.drop_index('ix_scorecards_interviewer_id', table_name='scorecards')
    op.add_column(
        'scorecards', sa.Column('scheduled_at', hiring.extensions.UTCDateTime(), nullable=True)
    )
    op.execute(
        'UPDATE scorecards SET scheduled_at = '
        '(SELECT interviews.scheduled_at FROM interviews WHERE interviews.id = scorecards.interview_id)'
    )
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.alter_column(
            'scheduled_at', existing_type=hiring.extensions.UTCDateTime(), nullable=False
        )
    op.create_index(
        'ix_scorecards_interviewer_scheduled', 'scorecards', ['interviewer_id', 'scheduled_at']
    )
    op.create_index(
        'ix_scorecards_open', 'scorecards', ['interviewer_id', 'scheduled_at'],
        postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN),
    )
    op.create_index(
        'ix_scorecards_open_scheduled', 'scorecards', ['scheduled_at'],
        postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN),
    )


def downgrade():
    op.drop_index('ix_scorecards_open_scheduled', table_name='scorecards')
    op.drop_index('ix_scorecards_open', table_name='scorecards')
    op.drop_index('ix_scorecards_interviewer_scheduled', table_name='scorecards')
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_column('scheduled_at')
    op.create_index('ix_scorecards_interviewer_id', 'scorecards', ['interviewer_id'])
    op.create_index(
        'ix_scorecards_open', 'scorecards', ['interviewer_id', 'interview_id'],
        postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN),
    )
