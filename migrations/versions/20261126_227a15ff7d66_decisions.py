"""Hiring decisions on candidates, each kept: the latest is in force, the rest is history.

Revision ID: 227a15ff7d66
Revises: 6b1f2c9d8e31
Create Date: 2026-11-26 09:09:41.127370

"""
from alembic import op
import sqlalchemy as sa

import hiring.extensions


# revision identifiers, used by Alembic.
revision = '227a15ff7d66'
down_revision = '6b1f2c9d8e31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('outcome', hiring.extensions.CleanString(length=60), nullable=False),
    sa.Column('rationale', hiring.extensions.CleanText(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', hiring.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_decisions_candidate_id_candidates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_decisions_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_candidate_id'), ['candidate_id'], unique=False)



def downgrade():
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_candidate_id'))

    op.drop_table('decisions')
