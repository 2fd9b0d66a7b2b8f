"""user.time_zone, saved_view (a person's named queue filters), reply.post_after (an approval held for undo)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
    with op.batch_alter_table('reply') as batch:
        batch.add_column(sa.Column('post_after', sa.DateTime(timezone=True), nullable=True))
    op.create_table('saved_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('query', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'name', name='uq_saved_view_user_name')
    )
    op.create_index('ix_saved_view_user_id', 'saved_view', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_saved_view_user_id', table_name='saved_view')
    op.drop_table('saved_view')
    with op.batch_alter_table('reply') as batch:
        batch.drop_column('post_after')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('time_zone')
