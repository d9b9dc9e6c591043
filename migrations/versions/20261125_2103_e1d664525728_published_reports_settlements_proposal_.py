"""published reports, settlements, proposal provenance

Revision ID: e1d664525728
Revises: 284991548478
Create Date: 2026-11-25 21:03:17.480912

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1d664525728'
down_revision = '284991548478'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('version >= 1', name=op.f('ck_published_reports_version_positive')),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_published_reports_conference_id_conferences'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_published_reports_published_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_reports')),
    sa.UniqueConstraint('conference_id', 'version', name=op.f('uq_published_reports_conference_id_version'))
    )
    op.create_table('proposal_settlements',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('settled_by_id', sa.Integer(), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_settlements_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['settled_by_id'], ['users.id'], name=op.f('fk_proposal_settlements_settled_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('proposal_id', name=op.f('pk_proposal_settlements'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_conference', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('origin_code', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('origin_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('origin_key', sa.String(length=600), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_proposals_conference_id_origin_key'), ['conference_id', 'origin_key'])



def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_proposals_conference_id_origin_key'), type_='unique')
        batch_op.drop_column('origin_key')
        batch_op.drop_column('origin_url')
        batch_op.drop_column('origin_code')
        batch_op.drop_column('origin_conference')

    op.drop_table('proposal_settlements')
    op.drop_table('published_reports')
