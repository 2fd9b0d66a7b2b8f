"""At most one declared incident active at a time, kept by the database: two admins declaring at once cannot both win

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 15:30:00

A unique index over a constant-valued expression, limited to the rows not yet ended: every active incident has
the same key, so a second one is refused. An existing database with two active incidents (possible before this
revision) keeps the newest active and ends the others first.
"""

from __future__ import annotations

from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE incident SET ended_at = started_at WHERE ended_at IS NULL "
               "AND id <> (SELECT max(id) FROM incident WHERE ended_at IS NULL)")
    op.execute("CREATE UNIQUE INDEX uq_incident_one_active ON incident ((ended_at IS NULL)) WHERE ended_at IS NULL")


def downgrade() -> None:
    op.execute("DROP INDEX uq_incident_one_active")
