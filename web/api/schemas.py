"""Request and response bodies of /api/v1 as pydantic models; the OpenAPI document is derived from them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from inbox.queue.cursor import QueueSort
from inbox.queue.params import LANGUAGE_PATTERN
from inbox.queue.queries import PAGE_SIZE
from inbox.queue.tabs import QueueTab
from responder.replies.service import MAX_REPLY_LENGTH

MAX_PAGE_SIZE = 100
MAX_ID = 2**31 - 1
MAX_NOTE_LENGTH = 1000
MAX_CURSOR_LENGTH = 200


def _encodable(text: str) -> str:
    # Lone surrogates decode from JSON but no database driver can store them.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode") from None
    return text


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError("time is out of range") from None


Text = Annotated[str, AfterValidator(_encodable)]
UtcTime = Annotated[AwareDatetime, AfterValidator(_utc)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="The reply version the client last saw.")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# Requests


class MentionQuery(Query):
    status: QueueTab = Field(default=QueueTab.needs_reply, description="The queue tab to list.")
    sort: QueueSort = QueueSort.newest
    network: str | None = Field(default=None, pattern=r"^[a-z0-9_]{1,32}$")
    sentiment: Literal["positive", "neutral", "negative"] | None = None
    language: str | None = Field(default=None, pattern=LANGUAGE_PATTERN.pattern)
    question: Literal["yes", "no"] | None = Field(default=None, description="Only mentions that ask something (yes), "
                                                  "or only those that do not (no).")
    cursor: str | None = Field(default=None, max_length=MAX_CURSOR_LENGTH,
                               description="The next_cursor of the previous page.")
    limit: int = Field(default=PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class SummaryQuery(Query):
    since: UtcTime | None = Field(default=None, description="Start (inclusive); default 30 days before until.")
    until: UtcTime | None = Field(default=None, description="End (exclusive); default now.")


class EditReply(Body):
    text: Text = Field(max_length=MAX_REPLY_LENGTH)
    version: Version


class ApproveReply(Body):
    version: Version
    text: Text | None = Field(default=None, max_length=MAX_REPLY_LENGTH,
                              description="The approver's final edit; omitted keeps the stored text.")


class RejectReply(Body):
    note: Text = Field(default="", max_length=MAX_NOTE_LENGTH)


# Responses


class ErrorDetail(BaseModel):
    code: str
    message: str
    stored_text: str | None = Field(default=None, description="On a stale version: the text now stored.")
    submitted_text: str | None = Field(default=None, description="On a stale version: the text sent.")
    version: int | None = Field(default=None, description="On a stale version: the current version.")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class MentionOut(Out):
    id: int
    network: str
    external_id: str
    author: str
    title: str | None
    text: str
    rating: int | None
    url: str | None
    language: str | None
    sentiment: str | None
    confidence: float | None
    complaint: float | None
    question: bool | None = Field(default=None, description="The text asks something; null when not known.")
    topics: list[str] | None
    status: str
    created_at: datetime


class MentionListItem(MentionOut):
    reply_status: str | None


class MentionPage(BaseModel):
    items: list[MentionListItem]
    next_cursor: str | None


class ReplyOut(Out):
    id: int
    mention_id: int
    status: str
    text: str
    version: int
    poster: str
    platform_reply_id: str | None
    error: str | None
    approved_at: datetime | None
    posted_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AuditEventOut(Out):
    id: int
    at: datetime
    actor: str
    action: str
    reply_id: int | None
    details: dict[str, Any]


class MentionDetailOut(BaseModel):
    mention: MentionOut
    reply: ReplyOut | None = Field(description="The open reply, else the latest closed one, else null.")
    audit: list[AuditEventOut]


class ApproveResult(BaseModel):
    reply: ReplyOut
    posting_queued: bool = Field(description="False when the approval stands but queuing the post failed.")


class SourceOut(Out):
    id: int
    name: str
    collector: str
    network: str
    enabled: bool
    items_collected: int
    last_run_at: datetime | None
    last_error: str | None
    created_at: datetime


class SourceList(BaseModel):
    items: list[SourceOut]


class SentimentCountOut(Out):
    network: str
    sentiment: str
    mentions: int


class SourceCoverageOut(Out):
    source_id: int
    name: str
    collector: str
    coverage: str = Field(description="What the platform lets this source see: the report's blind spots.")


class ReportSummary(BaseModel):
    since: datetime
    until: datetime
    sentiment_by_network: list[SentimentCountOut]
    response_rate: float | None = Field(description="Share of mentions needing a reply that got one posted.")
    coverage: list[SourceCoverageOut]
