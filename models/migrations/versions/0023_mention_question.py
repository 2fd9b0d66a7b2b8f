"""mention.question: whether the scored text asks something (the Score's question; the queue filters on it)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 14:50:00

Mentions scored before this revision keep NULL: the question cues are Python regular expressions by language
(models/question_cues.json), which neither SQLite nor PostgreSQL can run as such, and a frozen copy run row by row
here would make the upgrade as slow as the table is long. A rescore fills it; drafting applies the cues itself.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place on SQLite too (a nullable column): batch mode would copy the mention table, its expression
    # indexes and drop its triggers.
    op.add_column('mention', sa.Column('question', sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.drop_column('mention', 'question')
