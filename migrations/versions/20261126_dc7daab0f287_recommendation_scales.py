"""Each kit's overall-recommendation scale (2 to 5 points, the team's labels), and a
"neutral" recommendation for the scales with a middle.

Revision ID: dc7daab0f287
Revises: d5b5ab16902b
Create Date: 2026-11-26 10:33:54.424999

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dc7daab0f287'
down_revision = 'd5b5ab16902b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kit_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommendation_points', sa.Integer(), server_default='4', nullable=False))
        batch_op.add_column(sa.Column('recommendation_labels', sa.JSON(), nullable=True))

    five = "('strong_no', 'no', 'neutral', 'yes', 'strong_yes')"
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        for column in ('recommendation', 'first_recommendation'):
            batch_op.drop_constraint(op.f(f'ck_scorecards_{column}'), type_='check')
            batch_op.create_check_constraint(column, f"{column} IN {five}")


def downgrade():
    four = "('strong_no', 'no', 'yes', 'strong_yes')"
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        for column in ('recommendation', 'first_recommendation'):
            batch_op.drop_constraint(op.f(f'ck_scorecards_{column}'), type_='check')
            batch_op.create_check_constraint(column, f"{column} IN {four}")
    with op.batch_alter_table('kit_versions', schema=None) as batch_op:
        batch_op.drop_column('recommendation_labels')
        batch_op.drop_column('recommendation_points')

