"""topic taxonomy as a table (seeded with the shipped sentiment/data/topics.json), edited by admins

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    topic = op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('examples', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    _seed(topic)


def _seed(topic: sa.Table | None) -> None:
    """The shipped taxonomy becomes the workspace's topics, which admins then edit."""
    from models.base import utcnow
    from models.topic_store import shipped_rows

    assert topic is not None
    now = utcnow()
    op.bulk_insert(topic, [{**row, "updated_at": now} for row in shipped_rows()])


def downgrade() -> None:
    op.drop_table('topic')
