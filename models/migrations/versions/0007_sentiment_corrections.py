"""sentiment corrections: staff relabels of a mention's sentiment, complaint and topics

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel

import models.base
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mention_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sentiment', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('complaint', sa.Boolean(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('model_sentiment', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('model_confidence', sa.Float(), nullable=True),
    sa.Column('model_complaint', sa.Float(), nullable=True),
    sa.Column('model_topics', sa.JSON(), nullable=True),
    sa.Column('model_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('model_version', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['mention_id'], ['mention.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.create_index('ix_correction_mention_id_id', ['mention_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.drop_index('ix_correction_mention_id_id')
    op.drop_table('correction')
