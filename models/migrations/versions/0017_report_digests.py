"""report_digest, report_digest_delivery: scheduled report emails and their delivery records

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table('report_digest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('paper', sa.String(length=8), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('last_sent_period', sa.String(length=32), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    _when('created_at', nullable=False),
    _when('updated_at', nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('report_digest_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    _when('next_attempt_at', nullable=False),
    sa.Column('last_error', sa.String(length=2000), nullable=True),
    _when('sent_at'),
    sa.Column('details', sa.JSON(), nullable=False),
    _when('created_at', nullable=False),
    _when('updated_at', nullable=False),
    sa.ForeignKeyConstraint(['digest_id'], ['report_digest.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('digest_id', 'period', name='uq_report_digest_delivery_period')
    )
    op.create_index('ix_report_digest_delivery_due', 'report_digest_delivery', ['status', 'next_attempt_at'],
                    unique=False)
    op.create_index('ix_report_digest_delivery_digest_id', 'report_digest_delivery', ['digest_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_report_digest_delivery_digest_id', table_name='report_digest_delivery')
    op.drop_index('ix_report_digest_delivery_due', table_name='report_digest_delivery')
    op.drop_table('report_digest_delivery')
    op.drop_table('report_digest')
