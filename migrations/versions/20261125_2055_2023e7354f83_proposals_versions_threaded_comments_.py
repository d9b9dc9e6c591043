"""proposals, versions, threaded comments and reports

Revision ID: 2023e7354f83
Revises: 206356bef213
Create Date: 2026-11-25 20:55:35.342023

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2023e7354f83'
down_revision = '206356bef213'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('eixo_id', sa.Integer(), nullable=False),
    sa.Column('sphere', sa.Enum('municipal', 'estadual', 'federal', name='proposal_sphere', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('draft', 'submitted', 'in_vote', 'approved', 'rejected', 'withdrawn', 'merged', name='proposal_state', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('final_wording', sa.Text(), nullable=True),
    sa.Column('withdrawn_reason', sa.String(length=500), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(state = 'merged') = (merged_into_id IS NOT NULL)", name=op.f('ck_proposals_merged_has_target')),
    sa.CheckConstraint('sequence >= 1', name=op.f('ck_proposals_sequence_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['participations.id'], name=op.f('fk_proposals_author_id_participations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_proposals_conference_id_conferences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['eixo_id'], ['eixos.id'], name=op.f('fk_proposals_eixo_id_eixos'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['proposals.id'], name=op.f('fk_proposals_merged_into_id_proposals'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
    sa.UniqueConstraint('conference_id', 'code', name=op.f('uq_proposals_conference_id_code')),
    sa.UniqueConstraint('conference_id', 'eixo_id', 'sphere', 'sequence', name=op.f('uq_proposals_conference_id_eixo_id_sphere_sequence'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_proposals_conference_created', ['conference_id', 'created_at'], unique=False)
        batch_op.create_index('ix_proposals_conference_state', ['conference_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_eixo_id'), ['eixo_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_merged_into_id'), ['merged_into_id'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('stance', sa.Enum('a_favor', 'contra', 'neutro', name='stance', native_enum=False, create_constraint=True, length=11), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.Column('hidden_pending_review', sa.Boolean(), nullable=False),
    sa.CheckConstraint('(depth = 1) = (parent_id IS NULL)', name=op.f('ck_comments_root_has_no_parent')),
    sa.CheckConstraint('depth BETWEEN 1 AND 4', name=op.f('ck_comments_depth_range')),
    sa.ForeignKeyConstraint(['author_id'], ['participations.id'], name=op.f('fk_comments_author_id_participations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_comments_hidden_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_comments_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['comments.id'], name=op.f('fk_comments_thread_id_comments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_comments_proposal_root', ['proposal_id', 'depth', 'id'], unique=False)
        batch_op.create_index('ix_comments_proposal_thread', ['proposal_id', 'thread_id', 'id'], unique=False)

    op.create_table('proposal_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('created', 'edited', 'systematized', 'final_wording', 'withdrawn', 'merged', 'imported', name='version_kind', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.Column('final_wording', sa.Text(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('edited_by_id', sa.Integer(), nullable=True),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edited_by_id'], ['users.id'], name=op.f('fk_proposal_versions_edited_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_versions_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_versions')),
    sa.UniqueConstraint('proposal_id', 'number', name=op.f('uq_proposal_versions_proposal_id_number'))
    )
    op.create_table('comment_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_reports_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_comment_reports_reporter_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_reports')),
    sa.UniqueConstraint('comment_id', 'reporter_id', name=op.f('uq_comment_reports_comment_id_reporter_id'))
    )
    with op.batch_alter_table('comment_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_reports_comment_id'), ['comment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('comment_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_reports_comment_id'))

    op.drop_table('comment_reports')
    op.drop_table('proposal_versions')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_proposal_thread')
        batch_op.drop_index('ix_comments_proposal_root')
        batch_op.drop_index(batch_op.f('ix_comments_author_id'))

    op.drop_table('comments')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_proposals_eixo_id'))
        batch_op.drop_index('ix_proposals_conference_state')
        batch_op.drop_index('ix_proposals_conference_created')
        batch_op.drop_index(batch_op.f('ix_proposals_author_id'))

    op.drop_table('proposals')
