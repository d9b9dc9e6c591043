"""voting rounds, electorate, ballots, votes, in-person counts, frozen results

Revision ID: 284991548478
Revises: 2023e7354f83
Create Date: 2026-11-25 20:59:38.110301

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '284991548478'
down_revision = '2023e7354f83'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('voting_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('deliberation', 'priority', name='round_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('state', sa.Enum('draft', 'open', 'closed', name='round_state', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('allow_change', sa.Boolean(), nullable=False),
    sa.Column('double_entry', sa.Boolean(), nullable=False),
    sa.Column('majority_rule', sa.Enum('simple', 'absolute', 'two_thirds', name='round_majority_rule', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('quorum_percent', sa.Integer(), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=True),
    sa.Column('forward_count', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('electorate_size', sa.Integer(), nullable=True),
    sa.Column('voters_online', sa.Integer(), nullable=True),
    sa.Column('voters_in_person', sa.Integer(), nullable=True),
    sa.Column('quorum_needed', sa.Integer(), nullable=True),
    sa.Column('quorum_met', sa.Boolean(), nullable=True),
    sa.Column('results_digest', sa.String(length=64), nullable=True),
    sa.CheckConstraint("(state = 'closed') = (closed_at IS NOT NULL)", name=op.f('ck_voting_rounds_closed_has_time')),
    sa.CheckConstraint("kind = 'deliberation' OR (max_choices >= 1 AND forward_count >= 1)", name=op.f('ck_voting_rounds_priority_has_limits')),
    sa.CheckConstraint('NOT (secret AND allow_change)', name=op.f('ck_voting_rounds_secret_ballots_are_final')),
    sa.CheckConstraint('quorum_percent BETWEEN 0 AND 100', name=op.f('ck_voting_rounds_quorum_range')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_voting_rounds_closed_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_voting_rounds_conference_id_conferences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_voting_rounds_created_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_voting_rounds_opened_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voting_rounds'))
    )
    with op.batch_alter_table('voting_rounds', schema=None) as batch_op:
        batch_op.create_index('ix_voting_rounds_conference_state', ['conference_id', 'state'], unique=False)

    op.create_table('ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('receipt', sa.String(length=20), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=True),
    sa.Column('segment', sa.Enum('usuario', 'trabalhador', 'entidade', 'governo', name='ballot_segment', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['voting_rounds.id'], name=op.f('fk_ballots_round_id_voting_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voter_id'], ['participations.id'], name=op.f('fk_ballots_voter_id_participations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sa.UniqueConstraint('receipt', name=op.f('uq_ballots_receipt')),
    sa.UniqueConstraint('round_id', 'voter_id', name=op.f('uq_ballots_round_id_voter_id'))
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index('ix_ballots_round', ['round_id', 'receipt'], unique=False)

    op.create_table('round_electorate',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('participation_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.Enum('usuario', 'trabalhador', 'entidade', 'governo', name='elector_segment', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('added_late', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['participation_id'], ['participations.id'], name=op.f('fk_round_electorate_participation_id_participations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['voting_rounds.id'], name=op.f('fk_round_electorate_round_id_voting_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'participation_id', name=op.f('pk_round_electorate'))
    )
    op.create_table('round_segment_turnout',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.Enum('usuario', 'trabalhador', 'entidade', 'governo', name='turnout_segment', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('electorate', sa.Integer(), nullable=False),
    sa.Column('voters', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['voting_rounds.id'], name=op.f('fk_round_segment_turnout_round_id_voting_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'segment', name=op.f('pk_round_segment_turnout'))
    )
    op.create_table('round_voters',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('participation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participation_id'], ['participations.id'], name=op.f('fk_round_voters_participation_id_participations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['voting_rounds.id'], name=op.f('fk_round_voters_round_id_voting_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'participation_id', name=op.f('pk_round_voters'))
    )
    op.create_table('in_person_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=False),
    sa.Column('no', sa.Integer(), nullable=False),
    sa.Column('abstain', sa.Integer(), nullable=False),
    sa.CheckConstraint('slot IN (1, 2)', name=op.f('ck_in_person_counts_slot_range')),
    sa.CheckConstraint('yes >= 0 AND no >= 0 AND abstain >= 0', name=op.f('ck_in_person_counts_counts_not_negative')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_in_person_counts_entered_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_in_person_counts_proposal_id_proposals'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['voting_rounds.id'], name=op.f('fk_in_person_counts_round_id_voting_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_in_person_counts')),
    sa.UniqueConstraint('round_id', 'proposal_id', 'entered_by_id', name=op.f('uq_in_person_counts_round_id_proposal_id_entered_by_id')),
    sa.UniqueConstraint('round_id', 'proposal_id', 'slot', name=op.f('uq_in_person_counts_round_id_proposal_id_slot'))
    )
    op.create_table('round_items',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_round_items_proposal_id_proposals'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['voting_rounds.id'], name=op.f('fk_round_items_round_id_voting_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'proposal_id', name=op.f('pk_round_items'))
    )
    with op.batch_alter_table('round_items', schema=None) as batch_op:
        batch_op.create_index('ix_round_items_proposal', ['proposal_id'], unique=False)

    op.create_table('round_results',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=False),
    sa.Column('no', sa.Integer(), nullable=False),
    sa.Column('abstain', sa.Integer(), nullable=False),
    sa.Column('in_person_yes', sa.Integer(), nullable=False),
    sa.Column('in_person_no', sa.Integer(), nullable=False),
    sa.Column('in_person_abstain', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('approved', 'rejected', 'tie', 'no_quorum', 'forwarded', 'not_forwarded', name='outcome', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('forwarded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_round_results_proposal_id_proposals'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['voting_rounds.id'], name=op.f('fk_round_results_round_id_voting_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'proposal_id', name=op.f('pk_round_results'))
    )
    op.create_table('round_segment_results',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.Enum('usuario', 'trabalhador', 'entidade', 'governo', name='result_segment', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=False),
    sa.Column('no', sa.Integer(), nullable=False),
    sa.Column('abstain', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_round_segment_results_proposal_id_proposals'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['voting_rounds.id'], name=op.f('fk_round_segment_results_round_id_voting_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'proposal_id', 'segment', name=op.f('pk_round_segment_results'))
    )
    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=True),
    sa.Column('segment', sa.Enum('usuario', 'trabalhador', 'entidade', 'governo', name='vote_segment', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', 'selected', name='choice', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_votes_ballot_id_ballots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_votes_proposal_id_proposals'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['voting_rounds.id'], name=op.f('fk_votes_round_id_voting_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voter_id'], ['participations.id'], name=op.f('fk_votes_voter_id_participations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('ballot_id', 'proposal_id', name=op.f('uq_votes_ballot_id_proposal_id')),
    sa.UniqueConstraint('round_id', 'proposal_id', 'voter_id', name=op.f('uq_votes_round_id_proposal_id_voter_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index('ix_votes_round_proposal', ['round_id', 'proposal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index('ix_votes_round_proposal')

    op.drop_table('votes')
    op.drop_table('round_segment_results')
    op.drop_table('round_results')
    with op.batch_alter_table('round_items', schema=None) as batch_op:
        batch_op.drop_index('ix_round_items_proposal')

    op.drop_table('round_items')
    op.drop_table('in_person_counts')
    op.drop_table('round_voters')
    op.drop_table('round_segment_turnout')
    op.drop_table('round_electorate')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index('ix_ballots_round')

    op.drop_table('ballots')
    with op.batch_alter_table('voting_rounds', schema=None) as batch_op:
        batch_op.drop_index('ix_voting_rounds_conference_state')

    op.drop_table('voting_rounds')
