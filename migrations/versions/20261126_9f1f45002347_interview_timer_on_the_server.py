"""The interview timer on the server, so that every device shows the same elapsed time.

Revision ID: 9f1f45002347
Revises: 24536d821875
Create Date: 2026-11-26 09:41:57.197206

"""
from alembic import op
import sqlalchemy as sa

import hiring.extensions


# revision identifiers, used by Alembic.
revision = '9f1f45002347'
down_revision = '24536d821875'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timer_seconds', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('timer_started_at', hiring.extensions.UTCDateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_column('timer_started_at')
        batch_op.drop_column('timer_seconds')

