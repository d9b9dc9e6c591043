"""foundation: accounts, conferences, participation, audit chain

Revision ID: 206356bef213
Revises: 
Create Date: 2026-11-25 20:49:18.157563

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '206356bef213'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    # The single chain-head row that audit writers lock (see app/audit/models.py).
    op.bulk_insert(
        sa.table('audit_head', sa.column('id', sa.Integer), sa.column('last_seq', sa.Integer),
                 sa.column('last_hash', sa.String)),
        [{'id': 1, 'last_seq': 0, 'last_hash': '0' * 64}],
    )
    op.create_table('conferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('edition', sa.Integer(), nullable=False),
    sa.Column('sphere', sa.Enum('municipal', 'estadual', 'nacional', name='conference_sphere', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('municipio', sa.String(length=120), nullable=True),
    sa.Column('uf', sa.String(length=2), nullable=False),
    sa.Column('ibge_code', sa.String(length=7), nullable=True),
    sa.Column('porte', sa.Enum('pequeno_i', 'pequeno_ii', 'medio', 'grande', 'metropole', name='porte', native_enum=False, create_constraint=True, length=14), nullable=True),
    sa.Column('theme', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('phase', sa.Enum('preparation', 'proposals', 'debate', 'voting', 'closed', 'report_published', name='phase', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('majority_rule', sa.Enum('simple', 'absolute', 'two_thirds', name='majority_rule', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('quorum_percent', sa.Integer(), nullable=False),
    sa.Column('proposals_per_participant', sa.Integer(), nullable=False),
    sa.Column('reports_to_hide', sa.Integer(), nullable=False),
    sa.Column('motion_signature_percent', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('edition >= 1', name=op.f('ck_conferences_edition_positive')),
    sa.CheckConstraint('ends_at >= starts_at', name=op.f('ck_conferences_ends_after_start')),
    sa.CheckConstraint('proposals_per_participant >= 0', name=op.f('ck_conferences_proposal_limit_positive')),
    sa.CheckConstraint('quorum_percent BETWEEN 0 AND 100', name=op.f('ck_conferences_quorum_range')),
    sa.CheckConstraint('reports_to_hide >= 1', name=op.f('ck_conferences_reports_to_hide_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conferences')),
    sa.UniqueConstraint('slug', name=op.f('uq_conferences_slug'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('audit_events',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('conference_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_audit_events_conference_id_conferences'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_conference', ['conference_id', 'seq'], unique=False)
        batch_op.create_index('ix_audit_events_subject', ['subject_type', 'subject_id'], unique=False)

    op.create_table('eixos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('cap_municipal', sa.Integer(), nullable=True),
    sa.Column('cap_estadual', sa.Integer(), nullable=True),
    sa.Column('cap_federal', sa.Integer(), nullable=True),
    sa.CheckConstraint('coalesce(cap_municipal, 0) >= 0 AND coalesce(cap_estadual, 0) >= 0 AND coalesce(cap_federal, 0) >= 0', name=op.f('ck_eixos_caps_not_negative')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_eixos_number_positive')),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_eixos_conference_id_conferences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eixos')),
    sa.UniqueConstraint('conference_id', 'number', name=op.f('uq_eixos_conference_id_number'))
    )
    with op.batch_alter_table('eixos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eixos_conference_id'), ['conference_id'], unique=False)

    op.create_table('participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.Enum('usuario', 'trabalhador', 'entidade', 'governo', name='segment', native_enum=False, create_constraint=True, length=15), nullable=True),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('credential', sa.Enum('pending', 'delegado', 'observador', 'convidado', name='credential', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('role', sa.Enum('participant', 'secretary', name='role', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role = 'secretary' OR segment IS NOT NULL", name=op.f('ck_participations_participant_has_segment')),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_participations_conference_id_conferences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_participations_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participations')),
    sa.UniqueConstraint('conference_id', 'user_id', name=op.f('uq_participations_conference_id_user_id'))
    )
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.create_index('ix_participations_conference_credential', ['conference_id', 'credential'], unique=False)
        batch_op.create_index(batch_op.f('ix_participations_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participations_user_id'))
        batch_op.drop_index('ix_participations_conference_credential')

    op.drop_table('participations')
    with op.batch_alter_table('eixos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eixos_conference_id'))

    op.drop_table('eixos')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_subject')
        batch_op.drop_index('ix_audit_events_conference')

    op.drop_table('audit_events')
    op.drop_table('users')
    op.drop_table('conferences')
    op.drop_table('audit_head')
