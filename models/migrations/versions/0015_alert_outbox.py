"""alert_channel, alert_delivery: notification channels and the delivery outbox

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table('alert_channel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('disabled_reason', sa.String(length=2000), nullable=True),
    _when('disabled_at'),
    _when('last_sent_at'),
    _when('created_at', nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('alert_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.String(length=36), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    _when('next_attempt_at', nullable=False),
    _when('claimed_until'),
    sa.Column('last_error', sa.String(length=2000), nullable=True),
    _when('sent_at'),
    _when('created_at', nullable=False),
    _when('updated_at', nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['alert_channel.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('channel_id', 'dedupe_key', name='uq_alert_delivery_channel_key'),
    sa.UniqueConstraint('delivery_id')
    )
    op.create_index('ix_alert_delivery_due', 'alert_delivery', ['status', 'next_attempt_at'], unique=False)
    op.create_index('ix_alert_delivery_channel_id', 'alert_delivery', ['channel_id'], unique=False)
    op.create_index('ix_alert_delivery_alert_id', 'alert_delivery', ['alert_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_alert_delivery_alert_id', table_name='alert_delivery')
    op.drop_index('ix_alert_delivery_channel_id', table_name='alert_delivery')
    op.drop_index('ix_alert_delivery_due', table_name='alert_delivery')
    op.drop_table('alert_delivery')
    op.drop_table('alert_channel')
