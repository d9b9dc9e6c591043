"""participation anonymised_at (privacy purge)

Revision ID: 400741004fcf
Revises: e1d664525728
Create Date: 2026-11-25 21:07:50.728100

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '400741004fcf'
down_revision = 'e1d664525728'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymized_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_column('anonymized_at')

