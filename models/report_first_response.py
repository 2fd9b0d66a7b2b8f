"""Each mention's first posted reply (when, which reply, by whom), kept by database triggers on `reply`
(migration 0022): the reports' responsiveness and resolution read it instead of ranking every posted reply of the
range on each request.

The triggers cover every writer (the ORM, reply_states' conditional UPDATEs, reconciliation, raw SQL), so the row
always equals what the replies say: the posted reply with the earliest posted_at (then the lowest id), its agent
the approver, else the last editor. Loads that switch triggers off (bench/web_data.py) rebuild it afterwards with
reports.first_response.rebuild.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import utc_column


class ReportFirstResponse(SQLModel, table=True):
    __tablename__ = "report_first_response"

    mention_id: int = Field(sa_column=sa.Column(sa.Integer(), sa.ForeignKey("mention.id", ondelete="CASCADE"),
                                                primary_key=True, autoincrement=False))
    reply_id: int = Field()
    posted_at: datetime = Field(sa_column=utc_column(nullable=False))
    agent_id: int | None = Field(default=None)
