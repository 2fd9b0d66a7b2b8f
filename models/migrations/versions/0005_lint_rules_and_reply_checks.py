"""lint rules (seeded with the shipped defaults) and mention embeddings for similar replies

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel

import models.base
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    lint_rule = op.create_table('lint_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('networks', sa.JSON(), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('mention_embedding',
    sa.Column('mention_id', sa.Integer(), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mention_id'], ['mention.id'], ),
    sa.PrimaryKeyConstraint('mention_id')
    )
    with op.batch_alter_table('mention_embedding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mention_embedding_model'), ['model'], unique=False)
    _seed(lint_rule)


def _seed(lint_rule: sa.Table | None) -> None:
    """The shipped defaults become the workspace's rules, which admins then edit."""
    from models.base import utcnow
    from responder.lint_rules import default_rules, row_values

    assert lint_rule is not None
    now = utcnow()
    op.bulk_insert(lint_rule, [{**row_values(rule), "updated_at": now} for rule in default_rules()])


def downgrade() -> None:
    with op.batch_alter_table('mention_embedding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mention_embedding_model'))
    op.drop_table('mention_embedding')
    op.drop_table('lint_rule')
