"""links, tokens, lockout, posting attempts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:26:24.095630
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel

import models.base
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('mention_source',
    sa.Column('mention_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('first_seen_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mention_id'], ['mention.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('mention_id', 'source_id')
    )
    with op.batch_alter_table('mention_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mention_source_source_id'), ['source_id'], unique=False)

    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_mention_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mention_duplicate_of_id'), ['duplicate_of_id'], unique=False)
        batch_op.create_foreign_key('fk_mention_duplicate_of', 'mention', ['duplicate_of_id'], ['id'])
        batch_op.create_foreign_key('fk_mention_assignee', 'user', ['assignee_id'], ['id'])

    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('posting_started_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_reply_edited_by', 'user', ['edited_by_id'], ['id'])

    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('run_started_at', models.base.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('locked_until', models.base.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')

    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_column('run_started_at')

    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_constraint('fk_reply_edited_by', type_='foreignkey')
        batch_op.drop_column('posting_started_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('edited_by_id')

    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_constraint('fk_mention_assignee', type_='foreignkey')
        batch_op.drop_constraint('fk_mention_duplicate_of', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_mention_duplicate_of_id'))
        batch_op.drop_index(batch_op.f('ix_mention_assignee_id'))
        batch_op.drop_column('assignee_id')
        batch_op.drop_column('duplicate_of_id')

    with op.batch_alter_table('mention_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mention_source_source_id'))

    op.drop_table('mention_source')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))
        batch_op.drop_index(batch_op.f('ix_api_token_token_hash'))

    op.drop_table('api_token')
