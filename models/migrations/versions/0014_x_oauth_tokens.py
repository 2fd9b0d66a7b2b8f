"""oauth_token: the X poster's renewed OAuth 2.0 user-context tokens (sealed), shared by every worker

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('oauth_token',
    sa.Column('provider', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('access_token', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('refresh_token', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seeds', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('renewing_until', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('provider')
    )


def downgrade() -> None:
    op.drop_table('oauth_token')
