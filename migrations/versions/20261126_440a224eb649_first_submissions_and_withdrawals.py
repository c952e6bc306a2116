"""First submissions kept, withdrawals, and a submitted scorecard always recommends.

A scorecard's first submission is its independent judgement: it is kept beside the
current values, with a marker on what was changed after the author could read the panel.
Existing submitted scorecards take their first values from their earliest revision when
they were amended, else from what they hold now.

Revision ID: 440a224eb649
Revises: 90248f9700ff
Create Date: 2026-11-26 07:10:32.200806

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '440a224eb649'
down_revision = '90248f9700ff'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_value', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_not_assessed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('changed_after_panel', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_submitted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('first_recommendation', sa.Enum('strong_no', 'no', 'yes', 'strong_yes', name='first_recommendation', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('recommendation_changed_after_panel', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))

    _backfill_first_submissions()

    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.alter_column('changed_after_panel', server_default=None)
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.alter_column('recommendation_changed_after_panel', server_default=None)
        batch_op.create_check_constraint(
            'submitted_recommends', 'submitted_at IS NULL OR recommendation IS NOT NULL'
        )
        batch_op.create_check_constraint(
            'withdrawn_never_submitted',
            'withdrawn_at IS NULL OR (submitted_at IS NULL AND first_submitted_at IS NULL)',
        )


def _backfill_first_submissions():
    conn = op.get_bind()
    scorecards = sa.table(
        'scorecards', sa.column('id'), sa.column('submitted_at'), sa.column('recommendation'),
        sa.column('first_submitted_at'), sa.column('first_recommendation'),
    )
    ratings = sa.table(
        'ratings', sa.column('scorecard_id'), sa.column('kit_competency_id'),
        sa.column('value'), sa.column('not_assessed'),
        sa.column('first_value'), sa.column('first_not_assessed'),
    )
    revisions = sa.table(
        'scorecard_revisions', sa.column('scorecard_id'), sa.column('at'), sa.column('content'),
    )
    earliest = {}
    for scorecard_id, content in conn.execute(
        sa.select(revisions.c.scorecard_id, revisions.c.content).order_by(revisions.c.at.desc())
    ):
        earliest[scorecard_id] = json.loads(content) if isinstance(content, str) else content
    for scorecard_id, submitted_at, recommendation in conn.execute(
        sa.select(scorecards.c.id, scorecards.c.submitted_at, scorecards.c.recommendation)
    ):
        first = earliest.get(scorecard_id)
        if first is None and submitted_at is None:
            continue
        conn.execute(
            scorecards.update().where(scorecards.c.id == scorecard_id).values(
                first_submitted_at=first['submitted_at'] if first else submitted_at,
                first_recommendation=(first.get('recommendation') or None) if first else recommendation,
            )
        )
        for kc_id, value, not_assessed in conn.execute(
            sa.select(ratings.c.kit_competency_id, ratings.c.value, ratings.c.not_assessed)
            .where(ratings.c.scorecard_id == scorecard_id)
        ):
            if first:
                value = first.get(f'rating:{kc_id}:value')
                not_assessed = bool(first.get(f'rating:{kc_id}:not_assessed'))
            conn.execute(
                ratings.update()
                .where(ratings.c.scorecard_id == scorecard_id, ratings.c.kit_competency_id == kc_id)
                .values(first_value=value, first_not_assessed=not_assessed)
            )


def downgrade():
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_constraint('withdrawn_never_submitted', type_='check')
        batch_op.drop_constraint('submitted_recommends', type_='check')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('recommendation_changed_after_panel')
        batch_op.drop_column('first_recommendation')
        batch_op.drop_column('first_submitted_at')

    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_column('changed_after_panel')
        batch_op.drop_column('first_not_assessed')
        batch_op.drop_column('first_value')
