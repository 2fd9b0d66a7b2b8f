"""ix_mention_complaints_created: a range's complaints for the reports, index-only on PostgreSQL

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 04:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

# Frozen copy of models.mention.COMPLAINT_REPORT_COLUMNS at the time of writing.
COMPLAINT_REPORT_COLUMNS = ['id', 'complaint', 'network', 'author_id', 'resolved_at', 'topics']


def upgrade() -> None:
    complaint = sa.text("complaint >= 0.5")
    op.create_index('ix_mention_complaints_created', 'mention', ['created_at'], unique=False,
                    postgresql_where=complaint, sqlite_where=complaint,
                    postgresql_include=COMPLAINT_REPORT_COLUMNS)


def downgrade() -> None:
    op.drop_index('ix_mention_complaints_created', table_name='mention')
