"""Initial schema: accounts, question bank, kits, interviews, scorecards, audit.

Timestamps are stored as naive UTC (hiring.extensions.UTCDateTime).

Revision ID: 90248f9700ff
Revises: (none)
Create Date: 2026-11-26 03:14:43.252354

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '90248f9700ff'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidates'))
    )
    op.create_table('competencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competencies')),
    sa.UniqueConstraint('key', name=op.f('uq_competencies_key'))
    )
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('prompt_key', sa.String(length=1000), nullable=False),
    sa.Column('level', sa.String(length=30), nullable=False),
    sa.Column('role_family', sa.String(length=100), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('prompt_key', name=op.f('uq_questions_prompt_key'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_role_family'), ['role_family'], unique=False)

    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('name', name=op.f('uq_tags_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('admin', 'manager', 'interviewer', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('answer_tiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.Enum('basic', 'solid', 'exceptional', name='tier', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_answer_tiers_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_tiers')),
    sa.UniqueConstraint('question_id', 'tier', name=op.f('uq_answer_tiers_question_id_tier'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)

    op.create_table('competency_anchors',
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('point', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint('point BETWEEN 1 AND 7', name=op.f('ck_competency_anchors_point_range')),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_competency_anchors_competency_id_competencies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('competency_id', 'point', name=op.f('pk_competency_anchors'))
    )
    op.create_table('kits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_kits_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kits'))
    )
    op.create_table('prep_tips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_prep_tips_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prep_tips')),
    sa.UniqueConstraint('question_id', 'position', name=op.f('uq_prep_tips_question_id_position'))
    )
    op.create_table('question_competencies',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_question_competencies_competency_id_competencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_competencies_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'competency_id', name=op.f('pk_question_competencies'))
    )
    with op.batch_alter_table('question_competencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_competencies_competency_id'), ['competency_id'], unique=False)

    op.create_table('question_tags',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_tags_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_question_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'tag_id', name=op.f('pk_question_tags'))
    )
    with op.batch_alter_table('question_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('kit_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kit_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('briefing', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('lock', sa.Integer(), nullable=False),
    sa.CheckConstraint('duration_minutes BETWEEN 5 AND 600', name=op.f('ck_kit_versions_duration_range')),
    sa.ForeignKeyConstraint(['kit_id'], ['kits.id'], name=op.f('fk_kit_versions_kit_id_kits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kit_versions')),
    sa.UniqueConstraint('kit_id', 'number', name=op.f('uq_kit_versions_kit_id_number'))
    )
    op.create_table('interviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('kit_version_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_interviews_candidate_id_candidates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_interviews_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['kit_version_id'], ['kit_versions.id'], name=op.f('fk_interviews_kit_version_id_kit_versions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interviews')),
    sa.UniqueConstraint('id', 'kit_version_id', name=op.f('uq_interviews_id_kit_version_id'))
    )
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interviews_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interviews_kit_version_id'), ['kit_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interviews_scheduled_at'), ['scheduled_at'], unique=False)

    op.create_table('kit_competencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kit_version_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('anchors', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_kit_competencies_competency_id_competencies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['kit_version_id'], ['kit_versions.id'], name=op.f('fk_kit_competencies_kit_version_id_kit_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kit_competencies')),
    sa.UniqueConstraint('id', 'kit_version_id', name=op.f('uq_kit_competencies_id_kit_version_id')),
    sa.UniqueConstraint('kit_version_id', 'competency_id', name=op.f('uq_kit_competencies_kit_version_id_competency_id'))
    )
    with op.batch_alter_table('kit_competencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kit_competencies_competency_id'), ['competency_id'], unique=False)

    op.create_table('kit_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kit_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['kit_version_id'], ['kit_versions.id'], name=op.f('fk_kit_sections_kit_version_id_kit_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kit_sections'))
    )
    with op.batch_alter_table('kit_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kit_sections_kit_version_id'), ['kit_version_id'], unique=False)

    op.create_table('scale_points',
    sa.Column('kit_version_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.CheckConstraint('value BETWEEN 1 AND 7', name=op.f('ck_scale_points_value_range')),
    sa.ForeignKeyConstraint(['kit_version_id'], ['kit_versions.id'], name=op.f('fk_scale_points_kit_version_id_kit_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('kit_version_id', 'value', name=op.f('pk_scale_points'))
    )
    op.create_table('kit_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('kit_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('probes', sa.Text(), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=True),
    sa.Column('guide', sa.JSON(), nullable=True),
    sa.CheckConstraint('minutes BETWEEN 0 AND 240', name=op.f('ck_kit_items_minutes_range')),
    sa.ForeignKeyConstraint(['kit_version_id'], ['kit_versions.id'], name=op.f('fk_kit_items_kit_version_id_kit_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_kit_items_question_id_questions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['section_id'], ['kit_sections.id'], name=op.f('fk_kit_items_section_id_kit_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kit_items')),
    sa.UniqueConstraint('id', 'kit_version_id', name=op.f('uq_kit_items_id_kit_version_id'))
    )
    with op.batch_alter_table('kit_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kit_items_kit_version_id'), ['kit_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kit_items_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kit_items_section_id'), ['section_id'], unique=False)

    op.create_table('scorecards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('kit_version_id', sa.Integer(), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('recommendation', sa.Enum('strong_no', 'no', 'yes', 'strong_yes', name='recommendation', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['interview_id', 'kit_version_id'], ['interviews.id', 'interviews.kit_version_id'], name=op.f('fk_scorecards_interview_id_kit_version_id_interviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_scorecards_interviewer_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecards')),
    sa.UniqueConstraint('id', 'kit_version_id', name=op.f('uq_scorecards_id_kit_version_id')),
    sa.UniqueConstraint('interview_id', 'interviewer_id', name=op.f('uq_scorecards_interview_id_interviewer_id'))
    )
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecards_interview_id'), ['interview_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorecards_interviewer_id'), ['interviewer_id'], unique=False)

    op.create_table('item_notes',
    sa.Column('scorecard_id', sa.Integer(), nullable=False),
    sa.Column('kit_item_id', sa.Integer(), nullable=False),
    sa.Column('kit_version_id', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('tier', sa.Enum('below_basic', 'basic', 'solid', 'exceptional', name='tier_match', native_enum=False, create_constraint=True), nullable=True),
    sa.ForeignKeyConstraint(['kit_item_id', 'kit_version_id'], ['kit_items.id', 'kit_items.kit_version_id'], name=op.f('fk_item_notes_kit_item_id_kit_version_id_kit_items'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['scorecard_id', 'kit_version_id'], ['scorecards.id', 'scorecards.kit_version_id'], name=op.f('fk_item_notes_scorecard_id_kit_version_id_scorecards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scorecard_id', 'kit_item_id', name=op.f('pk_item_notes'))
    )
    with op.batch_alter_table('item_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_notes_kit_item_id'), ['kit_item_id'], unique=False)

    op.create_table('ratings',
    sa.Column('scorecard_id', sa.Integer(), nullable=False),
    sa.Column('kit_competency_id', sa.Integer(), nullable=False),
    sa.Column('kit_version_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('not_assessed', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.CheckConstraint('NOT (not_assessed AND value IS NOT NULL)', name=op.f('ck_ratings_assessed_or_not')),
    sa.ForeignKeyConstraint(['kit_competency_id', 'kit_version_id'], ['kit_competencies.id', 'kit_competencies.kit_version_id'], name=op.f('fk_ratings_kit_competency_id_kit_version_id_kit_competencies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['kit_version_id', 'value'], ['scale_points.kit_version_id', 'scale_points.value'], name=op.f('fk_ratings_kit_version_id_value_scale_points'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['scorecard_id', 'kit_version_id'], ['scorecards.id', 'scorecards.kit_version_id'], name=op.f('fk_ratings_scorecard_id_kit_version_id_scorecards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scorecard_id', 'kit_competency_id', name=op.f('pk_ratings'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_kit_competency_id'), ['kit_competency_id'], unique=False)

    op.create_table('scorecard_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scorecard_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_scorecard_revisions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'], name=op.f('fk_scorecard_revisions_scorecard_id_scorecards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_revisions'))
    )
    with op.batch_alter_table('scorecard_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecard_revisions_scorecard_id'), ['scorecard_id'], unique=False)



def downgrade():
    with op.batch_alter_table('scorecard_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecard_revisions_scorecard_id'))

    op.drop_table('scorecard_revisions')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_kit_competency_id'))

    op.drop_table('ratings')
    with op.batch_alter_table('item_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_notes_kit_item_id'))

    op.drop_table('item_notes')
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecards_interviewer_id'))
        batch_op.drop_index(batch_op.f('ix_scorecards_interview_id'))

    op.drop_table('scorecards')
    with op.batch_alter_table('kit_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kit_items_section_id'))
        batch_op.drop_index(batch_op.f('ix_kit_items_question_id'))
        batch_op.drop_index(batch_op.f('ix_kit_items_kit_version_id'))

    op.drop_table('kit_items')
    op.drop_table('scale_points')
    with op.batch_alter_table('kit_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kit_sections_kit_version_id'))

    op.drop_table('kit_sections')
    with op.batch_alter_table('kit_competencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kit_competencies_competency_id'))

    op.drop_table('kit_competencies')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviews_scheduled_at'))
        batch_op.drop_index(batch_op.f('ix_interviews_kit_version_id'))
        batch_op.drop_index(batch_op.f('ix_interviews_candidate_id'))

    op.drop_table('interviews')
    op.drop_table('kit_versions')
    with op.batch_alter_table('question_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_tags_tag_id'))

    op.drop_table('question_tags')
    with op.batch_alter_table('question_competencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_competencies_competency_id'))

    op.drop_table('question_competencies')
    op.drop_table('prep_tips')
    op.drop_table('kits')
    op.drop_table('competency_anchors')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
    op.drop_table('answer_tiers')
    op.drop_table('users')
    op.drop_table('tags')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_role_family'))
        batch_op.drop_index(batch_op.f('ix_questions_level'))

    op.drop_table('questions')
    op.drop_table('competencies')
    op.drop_table('candidates')
