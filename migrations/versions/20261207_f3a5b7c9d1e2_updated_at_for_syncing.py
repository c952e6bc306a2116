"""Candidates and applications say when they last changed (API clients sync by it).

Revision ID: f3a5b7c9d1e2
Revises: e2f4a6c8d0b1
Create Date: 2026-12-07 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import hiring.extensions


# revision identifiers, used by Alembic.
revision = 'f3a5b7c9d1e2'
down_revision = 'e2f4a6c8d0b1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', hiring.extensions.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_candidates_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', hiring.extensions.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_updated_at'), ['updated_at'], unique=False)
    # What exists changed last when it was made, or closed.
    op.execute("UPDATE candidates SET updated_at = created_at")
    op.execute("UPDATE applications SET updated_at = COALESCE(closed_at, stage_entered_at)")


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_updated_at'))
        batch_op.drop_column('updated_at')
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidates_updated_at'))
        batch_op.drop_column('updated_at')
