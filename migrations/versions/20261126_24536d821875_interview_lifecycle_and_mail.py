"""Interviews that change: duration, link, cancellation and a calendar SEQUENCE; panel
removals kept as history; reminders; users' time zones and e-mail choice; the outbox.

Existing interviews take their kit version's planned duration.

Revision ID: 24536d821875
Revises: 227a15ff7d66
Create Date: 2026-11-26 09:26:19.914648

"""
from alembic import op
import sqlalchemy as sa

import hiring.extensions


# revision identifiers, used by Alembic.
revision = '24536d821875'
down_revision = '227a15ff7d66'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', hiring.extensions.CleanString(length=30), nullable=False),
    sa.Column('to_name', hiring.extensions.CleanString(length=200), nullable=False),
    sa.Column('to_address', hiring.extensions.CleanString(length=254), nullable=False),
    sa.Column('subject', hiring.extensions.CleanString(length=300), nullable=False),
    sa.Column('text', hiring.extensions.CleanText(), nullable=False),
    sa.Column('html', hiring.extensions.CleanText(), nullable=False),
    sa.Column('calendar', hiring.extensions.CleanText(), nullable=True),
    sa.Column('calendar_method', hiring.extensions.CleanString(length=10), nullable=True),
    sa.Column('created_at', hiring.extensions.UTCDateTime(), nullable=False),
    sa.Column('next_attempt_at', hiring.extensions.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', hiring.extensions.UTCDateTime(), nullable=True),
    sa.Column('sent_at', hiring.extensions.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', hiring.extensions.CleanString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mail_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_mail_sent_at'), ['sent_at'], unique=False)

    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duration_minutes', sa.Integer(), server_default='60', nullable=False))
        batch_op.add_column(sa.Column('link', hiring.extensions.CleanString(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('cancelled_at', hiring.extensions.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', hiring.extensions.CleanString(length=1000), server_default='', nullable=False))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('updated_at', hiring.extensions.UTCDateTime(), nullable=True))

    op.execute(
        "UPDATE interviews SET duration_minutes = (SELECT kit_versions.duration_minutes "
        "FROM kit_versions WHERE kit_versions.id = interviews.kit_version_id)"
    )

    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', hiring.extensions.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', hiring.extensions.UTCDateTime(), nullable=True))
        batch_op.create_check_constraint(
            'removed_never_submitted', 'removed_at IS NULL OR first_submitted_at IS NULL'
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', hiring.extensions.CleanString(length=64), nullable=True))
        batch_op.add_column(sa.Column('email_reminders', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_reminders')
        batch_op.drop_column('time_zone')

    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_constraint('removed_never_submitted', type_='check')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('removed_at')

    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('sequence')
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('link')
        batch_op.drop_column('duration_minutes')

    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_sent_at'))
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_next_attempt_at'))

    op.drop_table('outgoing_mail')
