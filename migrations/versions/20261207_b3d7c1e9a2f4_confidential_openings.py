"""Confidential openings: invisible off their hiring team.

Revision ID: b3d7c1e9a2f4
Revises: d1f158d3ed99
Create Date: 2026-12-07 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d7c1e9a2f4'
down_revision = 'd1f158d3ed99'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('openings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('confidential', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('openings', schema=None) as batch_op:
        batch_op.drop_column('confidential')
