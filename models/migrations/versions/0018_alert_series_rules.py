"""alert series buckets (kept incrementally), alert rules with their detectors' state, alerts; default rules

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 04:00:00
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# Frozen copies of alerts.rules.DEFAULT_RULES at the time of writing: a migration never imports app code.
_CREATED = datetime(2026, 12, 4, tzinfo=timezone.utc)
DEFAULT_RULES = (
    {"name": "Negative mentions spike", "metric": "negative", "per": None, "bucket_seconds": 300,
     "false_alarms_per_month": 1.0, "min_count": 5, "cooldown_minutes": 720, "sla_hours": None,
     "builtin": "negative_spike"},
    {"name": "Complaint spike by topic", "metric": "complaints", "per": "topic", "bucket_seconds": 300,
     "false_alarms_per_month": 1.0, "min_count": 5, "cooldown_minutes": 720, "sla_hours": None,
     "builtin": "complaint_topic_spike"},
    {"name": "Complaint unanswered past the SLA", "metric": "sla", "per": None, "bucket_seconds": 300,
     "false_alarms_per_month": 1.0, "min_count": 1, "cooldown_minutes": 720, "sla_hours": None,
     "builtin": "complaint_sla"},
)


def _when(name: str, *, nullable: bool = True, primary_key: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, primary_key=primary_key)


def upgrade() -> None:
    op.create_table('alert_series_bucket',
    sa.Column('series_key', sa.String(length=200), nullable=False),
    sa.Column('bucket_seconds', sa.Integer(), nullable=False),
    _when('bucket_start', nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series_key', 'bucket_seconds', 'bucket_start')
    )
    op.create_table('alert_series_contribution',
    sa.Column('mention_id', sa.Integer(), nullable=False),
    _when('bucket_time', nullable=False),
    sa.Column('keys', sa.JSON(), nullable=False),
    _when('scored_at', nullable=False),
    sa.ForeignKeyConstraint(['mention_id'], ['mention.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mention_id')
    )
    op.create_table('alert_series_watermark',
    sa.Column('id', sa.Integer(), nullable=False),
    _when('scored_at'),
    sa.Column('mention_id', sa.Integer(), nullable=False),
    _when('corrected_at'),
    _when('updated_at', nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    rules = op.create_table('alert_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('metric', sa.String(length=16), nullable=False),
    sa.Column('per', sa.String(length=16), nullable=True),
    sa.Column('topic', sa.String(length=64), nullable=True),
    sa.Column('network', sa.String(length=32), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('query', sa.String(length=1000), nullable=True),
    sa.Column('bucket_seconds', sa.Integer(), nullable=False),
    sa.Column('false_alarms_per_month', sa.Float(), nullable=False),
    sa.Column('min_count', sa.Integer(), nullable=False),
    sa.Column('cooldown_minutes', sa.Integer(), nullable=False),
    sa.Column('sla_hours', sa.Float(), nullable=True),
    sa.Column('channel_ids', sa.JSON(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('builtin', sa.String(length=32), nullable=True),
    _when('created_at', nullable=False),
    _when('updated_at', nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['source.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('builtin')
    )
    op.create_table('alert_detector_state',
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('series_key', sa.String(length=200), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    _when('last_bucket'),
    _when('updated_at', nullable=False),
    sa.ForeignKeyConstraint(['rule_id'], ['alert_rule.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rule_id', 'series_key')
    )
    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('series_key', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('series_label', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    _when('opened_at', nullable=False),
    _when('updated_at', nullable=False),
    _when('closed_at'),
    _when('window_start', nullable=False),
    _when('window_end', nullable=False),
    sa.Column('observed', sa.Float(), nullable=False),
    sa.Column('expected', sa.Float(), nullable=False),
    sa.Column('p_value', sa.Float(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('notified_observed', sa.Float(), nullable=False),
    sa.Column('updates_sent', sa.Integer(), nullable=False),
    _when('acknowledged_at'),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    _when('muted_until'),
    sa.Column('muted_by_id', sa.Integer(), nullable=True),
    _when('resolved_at'),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('mention_id', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=True),
    sa.Column('message', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['rule_id'], ['alert_rule.id']),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['user.id']),
    sa.ForeignKeyConstraint(['muted_by_id'], ['user.id']),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id']),
    sa.ForeignKeyConstraint(['mention_id'], ['mention.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_alert_rule_series_status', 'alert', ['rule_id', 'series_key', 'status'], unique=False)
    op.create_index('ix_alert_status_opened', 'alert', ['status', 'opened_at'], unique=False)
    op.bulk_insert(rules, [{**rule, "topic": None, "network": None, "source_id": None, "language": None,
                            "query": None, "channel_ids": None, "enabled": True, "created_at": _CREATED,
                            "updated_at": _CREATED} for rule in DEFAULT_RULES])


def downgrade() -> None:
    op.drop_index('ix_alert_status_opened', table_name='alert')
    op.drop_index('ix_alert_rule_series_status', table_name='alert')
    op.drop_table('alert')
    op.drop_table('alert_detector_state')
    op.drop_table('alert_rule')
    op.drop_table('alert_series_watermark')
    op.drop_table('alert_series_contribution')
    op.drop_table('alert_series_bucket')
