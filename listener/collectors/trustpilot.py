"""The `trustpilot` collector: a business unit's reviews from Trustpilot's public read API (API key only).

Replying needs the private Business API (OAuth with the key's secret); collecting does not.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from listener.base import PermanentCollectorError, RawMention
from listener.collectors.reviews import (
    ItemInvalid,
    Page,
    Parsed,
    ReviewCollector,
    language_code,
    obj,
    parse_time,
    review_id,
    review_text,
    star_rating,
)
from listener.http.api import bounded, request_json, require
from listener.platforms.trustpilot import API, REVIEW_ID

BUSINESS_UNITS = f"{API}/business-units"
PAGE_SIZE = 100  # the API's maximum
MAX_PAGE = 1_000
BUSINESS_UNIT_ID = re.compile(r"[0-9A-Za-z]{1,64}")


class TrustpilotCollector(ReviewCollector[str]):
    """config: {"business_unit_id": "..."} (find it with GET /v1/business-units/find?name=example.com)."""


    def target(self, config: dict[str, Any]) -> str:
        unit = config.get("business_unit_id")
        if not isinstance(unit, str) or not BUSINESS_UNIT_ID.fullmatch(unit):
            raise PermanentCollectorError("config business_unit_id must be a Trustpilot business unit id")
        return unit

    def page(self, client: httpx.Client, target: str, token: str | None) -> Page:
        number = _page_number(token)
        api_key = require(self.settings, "trustpilot_api_key").get_secret_value()
        params = {"perPage": PAGE_SIZE, "page": number, "orderBy": "createdat.desc"}
        # The key goes in a header, not the query string, so it stays out of proxy and access logs.
        body = request_json(client, "GET", f"{BUSINESS_UNITS}/{target}/reviews", params=params,
                            what="Trustpilot reviews", headers={"apikey": api_key})
        reviews = body.get("reviews", [])
        has_next = any(isinstance(link, dict) and link.get("rel") == "next-page" for link in body.get("links") or [])
        next_token = str(number + 1) if has_next and number < MAX_PAGE else None
        return Page(reviews if isinstance(reviews, list) else [], next_token)

    def parse(self, item: Any, target: str, page: Page) -> Parsed:
        if not isinstance(item, dict):
            raise ItemInvalid("not an object")
        external_id = review_id(item.get("id"), "id")
        if not REVIEW_ID.fullmatch(external_id):
            raise ItemInvalid("id is not a Trustpilot review id")
        created = parse_time(item.get("createdAt"), "createdAt")
        consumer = obj(item.get("consumer"))
        consumer_id = consumer.get("id")
        mention = RawMention(
            network="trustpilot", external_id=external_id, text=review_text(item.get("text")), created_at=created,
            author=bounded(consumer.get("displayName") or "", 200),
            author_id=bounded(consumer_id, 128) if isinstance(consumer_id, str) and consumer_id else None,
            title=bounded(item["title"], 500) if item.get("title") else None,
            rating=star_rating(item.get("stars"), "stars"), url=f"https://www.trustpilot.com/reviews/{external_id}",
            language=language_code(item.get("language")), extra=_extra(item),
        )
        return Parsed(created, mention)


def _page_number(token: str | None) -> int:
    return int(token) if token and token.isdigit() else 1


def _extra(item: dict[str, Any]) -> dict[str, Any] | None:
    extra: dict[str, Any] = {}
    if isinstance(item.get("isVerified"), bool):
        extra["verified"] = item["isVerified"]
    reply = item.get("companyReply")
    if isinstance(reply, dict) and reply.get("text"):
        extra["reply"] = bounded(reply["text"], 5000)
        when = reply.get("updatedAt") or reply.get("createdAt")
        if isinstance(when, str):
            extra["reply_at"] = bounded(when, 40)
    return extra or None
