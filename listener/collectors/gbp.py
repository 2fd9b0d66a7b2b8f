"""The `gbp` collector: a location's reviews from the Google Business Profile (My Business v4) API."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import httpx

from listener.base import PermanentCollectorError, RawMention
from listener.collectors.reviews import (
    EDITED_AT,
    ItemInvalid,
    Page,
    Parsed,
    ReviewCollector,
    obj,
    parse_time,
    review_id,
    review_text,
)
from listener.http.api import bounded, request_json
from listener.platforms.gbp import API, SCOPE
from listener.platforms.google import access_token, load_service_account

PAGE_SIZE = 50  # the API's maximum
RESOURCE_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
TRANSLATED = "(Translated by Google)"
ORIGINAL = "(Original)"


class BusinessProfileCollector(ReviewCollector[str]):
    """config: {"account_id": "...", "location_id": "..."}. Needs GOOGLE_SERVICE_ACCOUNT_FILE with access to
    the location (a manager of the Business Profile)."""


    def target(self, config: dict[str, Any]) -> str:
        ids = [config.get("account_id"), config.get("location_id")]
        if not all(isinstance(value, str) and RESOURCE_ID.fullmatch(value) for value in ids):
            raise PermanentCollectorError("config account_id and location_id must be Business Profile ids")
        return f"accounts/{ids[0]}/locations/{ids[1]}"

    def page(self, client: httpx.Client, target: str, token: str | None) -> Page:
        bearer = access_token(client, load_service_account(self.settings), SCOPE, self.tokens)
        params: dict[str, Any] = {"pageSize": PAGE_SIZE, "orderBy": "updateTime desc"}
        params |= {"pageToken": token} if token else {}
        body = request_json(client, "GET", f"{API}/{target}/reviews", params=params, what="Business Profile reviews",
                            headers={"Authorization": f"Bearer {bearer}"})
        reviews = body.get("reviews", [])
        next_token = body.get("nextPageToken")
        return Page(reviews if isinstance(reviews, list) else [], next_token if isinstance(next_token, str) else None)

    def parse(self, item: Any, target: str, page: Page) -> Parsed:
        if not isinstance(item, dict):
            raise ItemInvalid("not an object")
        external_id = review_id(item.get("reviewId"), "reviewId")
        updated = parse_time(item.get("updateTime"), "updateTime")
        reviewer = obj(item.get("reviewer"))
        anonymous = reviewer.get("isAnonymous") is True
        text, translation = split_translation(review_text(item.get("comment")))
        mention = RawMention(
            network="gbp", external_id=external_id, text=text,
            created_at=parse_time(item.get("createTime"), "createTime"),
            author="" if anonymous else bounded(reviewer.get("displayName") or "", 200),
            rating=_stars(item.get("starRating")), extra=_extra(item, translation, anonymous, updated),
        )
        return Parsed(updated, mention)


def split_translation(comment: str) -> tuple[str, str | None]:
    """A review in another language arrives as "(Translated by Google) …\n\n(Original)\n…": keep the
    customer's own words as the text (a reply answers those) and the translation aside."""
    if comment.startswith(TRANSLATED) and f"\n\n{ORIGINAL}\n" in comment:
        translated, _, original = comment.partition(f"\n\n{ORIGINAL}\n")
        return original.strip(), translated.removeprefix(TRANSLATED).strip()
    if f"\n\n{TRANSLATED}\n" in comment:
        original, _, translated = comment.partition(f"\n\n{TRANSLATED}\n")
        return original.strip(), translated.strip()
    return comment, None


def _stars(value: Any) -> int | None:
    if value in (None, "STAR_RATING_UNSPECIFIED"):
        return None
    if value not in STARS:
        raise ItemInvalid(f"starRating {str(value)[:20]!r} is not ONE..FIVE")
    return STARS[value]


def _extra(item: dict[str, Any], translation: str | None, anonymous: bool, updated: datetime) -> dict[str, Any]:
    extra: dict[str, Any] = {EDITED_AT: updated.isoformat(), **({"anonymous": True} if anonymous else {})}
    if translation:
        extra["translation"] = bounded(translation, 5000)
    if isinstance(item.get("name"), str):
        extra["name"] = bounded(item["name"], 300)
    reply = item.get("reviewReply")
    if isinstance(reply, dict) and reply.get("comment"):
        extra["reply"] = bounded(reply["comment"], 5000)
        if isinstance(reply.get("updateTime"), str):
            extra["reply_at"] = bounded(reply["updateTime"], 40)
    return extra
