"""A person's submitted scorecards by when they were submitted: the dashboard's "Recently
submitted" and the whole list read the top of this range, past any number of drafts.

Revision ID: a85e4defe340
Revises: 7c3e9d2a4b10
Create Date: 2026-11-26 15:15:05

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a85e4defe340'
down_revision = '7c3e9d2a4b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_scorecards_interviewer_submitted', 'scorecards', ['interviewer_id', 'submitted_at']
    )


def downgrade():
    op.drop_index('ix_scorecards_interviewer_submitted', table_name='scorecards')
