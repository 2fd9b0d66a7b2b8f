"""The `googleplay` collector: an app's reviews from the Google Play Developer (Android Publisher) API."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import httpx

from listener.base import PermanentCollectorError, RawMention
from listener.google_auth import access_token, load_service_account
from listener.reviews_http import (
    ItemInvalid,
    Page,
    Parsed,
    ReviewCollector,
    bounded,
    language_code,
    request_json,
    review_id,
    review_text,
    star_rating,
)

API = "https://androidpublisher.googleapis.com/androidpublisher/v3/applications"
SCOPE = "https://www.googleapis.com/auth/androidpublisher"
PAGE_SIZE = 100
PACKAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+")


class GooglePlayCollector(ReviewCollector[str]):
    """config: {"package_name": "com.example.app"}. Needs GOOGLE_SERVICE_ACCOUNT_FILE with Play Console access."""

    coverage = "reviews created or modified in the last 7 days only (Google Play Developer API limit)"

    def target(self, config: dict[str, Any]) -> str:
        package = config.get("package_name")
        if not isinstance(package, str) or not PACKAGE_NAME.fullmatch(package) or len(package) > 150:
            raise PermanentCollectorError("config package_name must be an Android package name like com.example.app")
        return package

    def page(self, client: httpx.Client, target: str, token: str | None) -> Page:
        bearer = access_token(client, load_service_account(self.settings), SCOPE, self.tokens)
        params: dict[str, Any] = {"maxResults": PAGE_SIZE} | ({"token": token} if token else {})
        body = request_json(client, "GET", f"{API}/{target}/reviews", params=params, what="Google Play reviews",
                            headers={"Authorization": f"Bearer {bearer}"})
        reviews = body.get("reviews", [])
        pagination = body.get("tokenPagination")
        next_token = pagination.get("nextPageToken") if isinstance(pagination, dict) else None
        return Page(reviews if isinstance(reviews, list) else [], next_token if isinstance(next_token, str) else None)

    def parse(self, item: Any, target: str, page: Page) -> Parsed:
        if not isinstance(item, dict):
            raise ItemInvalid("not an object")
        external_id = review_id(item.get("reviewId"), "reviewId")
        user, developer = _comments(item.get("comments"))
        modified = _timestamp(user.get("lastModified"), "userComment.lastModified")
        mention = RawMention(
            network="googleplay", external_id=external_id, text=review_text(user.get("text")),
            created_at=modified, author=bounded(item.get("authorName") or "", 200),
            rating=star_rating(user.get("starRating"), "userComment.starRating"),
            url=f"https://play.google.com/store/apps/details?id={target}&reviewId={quote(external_id, safe='')}",
            language=language_code(user.get("reviewerLanguage")), extra=_extra(user, developer),
        )
        return Parsed(modified, mention)


def _comments(value: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    comments = [c for c in value if isinstance(c, dict)] if isinstance(value, list) else []
    users = [c["userComment"] for c in comments if isinstance(c.get("userComment"), dict)]
    developers = [c["developerComment"] for c in comments if isinstance(c.get("developerComment"), dict)]
    if not users:
        raise ItemInvalid("no userComment")
    return users[0], developers[-1] if developers else None


def _timestamp(value: Any, name: str) -> datetime:
    """A protobuf Timestamp as JSON: int64 seconds (a string) and nanos."""
    if not isinstance(value, dict):
        raise ItemInvalid(f"{name} is missing")
    try:
        seconds = int(value["seconds"])
        nanos = int(value.get("nanos", 0))
        return datetime.fromtimestamp(seconds, tz=timezone.utc) + timedelta(microseconds=nanos // 1000)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        raise ItemInvalid(f"{name} is not a timestamp with seconds and nanos") from None


def _extra(user: dict[str, Any], developer: dict[str, Any] | None) -> dict[str, Any] | None:
    extra: dict[str, Any] = {}
    for key, name in (("appVersionName", "app_version"), ("device", "device"), ("reviewerLanguage", "locale")):
        if isinstance(user.get(key), str) and user[key]:
            extra[name] = bounded(user[key], 100)
    if developer and developer.get("text"):
        extra["reply"] = bounded(developer["text"], 2000)
        with suppress(ItemInvalid):  # the reply text matters; its time is a nicety
            extra["reply_at"] = _timestamp(developer.get("lastModified"), "reply").isoformat()
    return extra or None
