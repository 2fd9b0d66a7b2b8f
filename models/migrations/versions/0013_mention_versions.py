"""mention versions: what an edited review said before, and when a review was edited after it was answered

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('mention', sa.Column('edited_after_reply_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('mention_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mention_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=True),
    sa.Column('sentiment', sa.String(length=16), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mention_id'], ['mention.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('mention_id', 'number', name='uq_mention_version_number')
    )


def downgrade() -> None:
    op.drop_table('mention_version')
    # SQLite drops a plain column in place (3.35+); a batch copy of mention would lose its expression indexes
    op.drop_column('mention', 'edited_after_reply_at')
