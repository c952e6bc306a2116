"""A partial index on the open scorecards, which dashboards, overdue lists and reminders
read: it stays small however many scorecards are submitted.

Revision ID: d5b5ab16902b
Revises: 5c7e2a91d4b3
Create Date: 2026-11-26 10:22:25.068415

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5b5ab16902b'
down_revision = '5c7e2a91d4b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.create_index('ix_scorecards_open', ['interviewer_id', 'interview_id'], unique=False, postgresql_where=sa.text('submitted_at IS NULL AND withdrawn_at IS NULL AND removed_at IS NULL'), sqlite_where=sa.text('submitted_at IS NULL AND withdrawn_at IS NULL AND removed_at IS NULL'))



def downgrade():
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_index('ix_scorecards_open', postgresql_where=sa.text('submitted_at IS NULL AND withdrawn_at IS NULL AND removed_at IS NULL'), sqlite_where=sa.text('submitted_at IS NULL AND withdrawn_at IS NULL AND removed_at IS NULL'))

