"""Configured listening sources (admin only: their errors may describe credentials)."""

from __future__ import annotations

from sqlmodel import col, select

from models import Role, Source
from web.api.routing import operation
from web.api.schemas import SourceList, SourceOut
from web.db import db_session

MAX_SOURCES = 1000


@operation("GET", "/sources", summary="List listening sources", tag="sources", response=SourceList,
           role=Role.admin)
def list_sources() -> SourceList:
    statement = select(Source).order_by(col(Source.id)).limit(MAX_SOURCES)
    return SourceList(items=[SourceOut.model_validate(source) for source in db_session().exec(statement)])
