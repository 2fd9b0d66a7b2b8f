"""The `googleplay` collector: an app's reviews from the Google Play Developer (Android Publisher) API."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import httpx

from listener.base import PermanentCollectorError, RawMention
from listener.collectors.reviews import (
    EDITED_AT,
    ItemInvalid,
    Page,
    Parsed,
    ReviewCollector,
    language_code,
    obj,
    review_id,
    review_text,
    star_rating,
)
from listener.http.api import bounded, request_json
from listener.platforms.google import access_token, load_service_account
from listener.platforms.googleplay import API, PACKAGE_NAME, SCOPE

PAGE_SIZE = 100
START_INDEX = "startIndex="  # a walk position that is an offset (pageInfo), not a page token


class GooglePlayCollector(ReviewCollector[str]):
    """config: {"package_name": "com.example.app"}. Needs GOOGLE_SERVICE_ACCOUNT_FILE with Play Console access."""


    def target(self, config: dict[str, Any]) -> str:
        package = config.get("package_name")
        if not isinstance(package, str) or not PACKAGE_NAME.fullmatch(package) or len(package) > 150:
            raise PermanentCollectorError("config package_name must be an Android package name like com.example.app")
        return package

    def page(self, client: httpx.Client, target: str, token: str | None) -> Page:
        bearer = access_token(client, load_service_account(self.settings), SCOPE, self.tokens)
        body = request_json(client, "GET", f"{API}/{target}/reviews", params=_page_params(token),
                            what="Google Play reviews", headers={"Authorization": f"Bearer {bearer}"})
        reviews = body.get("reviews", [])
        reviews = reviews if isinstance(reviews, list) else []
        return Page(reviews, _next_page(body, len(reviews)))

    def parse(self, item: Any, target: str, page: Page) -> Parsed:
        if not isinstance(item, dict):
            raise ItemInvalid("not an object")
        external_id = review_id(item.get("reviewId"), "reviewId")
        user, developer = _comments(item.get("comments"))
        modified = _timestamp(user.get("lastModified"), "userComment.lastModified")
        title, text = split_title(user.get("text"))
        mention = RawMention(
            network="googleplay", external_id=external_id, text=text, title=title,
            created_at=modified, author=bounded(item.get("authorName") or "", 200),
            rating=star_rating(user.get("starRating"), "userComment.starRating"),
            url=f"https://play.google.com/store/apps/details?id={target}&reviewId={quote(external_id, safe='')}",
            language=language_code(user.get("reviewerLanguage")), extra=_extra(user, developer, modified),
        )
        return Parsed(modified, mention)


def split_title(value: Any) -> tuple[str | None, str]:
    """Google documents a review written with a title as "title<TAB>body" in one text field."""
    raw = "" if value is None else str(value)
    if "\t" not in raw:
        return None, review_text(raw)
    title, _, body = raw.partition("\t")
    return bounded(title, 500) or None, review_text(body)


def _page_params(token: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"maxResults": PAGE_SIZE}
    if token and token.startswith(START_INDEX) and token.removeprefix(START_INDEX).isdigit():
        return params | {"startIndex": int(token.removeprefix(START_INDEX))}
    return params | ({"token": token} if token else {})


def _next_page(body: dict[str, Any], count: int) -> str | None:
    """Page on whatever the response carries: a next-page token, else an offset from pageInfo, else nothing more.
    Later pages come back without tokenPagination, some without pageInfo too."""
    token = obj(body.get("tokenPagination")).get("nextPageToken")
    if isinstance(token, str) and token:
        return token
    info = obj(body.get("pageInfo"))
    start, total = info.get("startIndex", 0), info.get("totalResults")
    if not (_count(start) and _count(total)) or count == 0 or start + count >= total:
        return None
    return f"{START_INDEX}{start + count}"


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


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


def _extra(user: dict[str, Any], developer: dict[str, Any] | None, modified: datetime) -> dict[str, Any]:
    extra: dict[str, Any] = {EDITED_AT: modified.isoformat()}
    for key, name in (("appVersionName", "app_version"), ("device", "device"), ("reviewerLanguage", "locale")):
        if isinstance(user.get(key), str) and user[key]:
            extra[name] = bounded(user[key], 100)
    if developer and developer.get("text"):
        extra["reply"] = bounded(developer["text"], 2000)
        with suppress(ItemInvalid):  # the reply text matters; its time is a nicety
            extra["reply_at"] = _timestamp(developer.get("lastModified"), "reply").isoformat()
    return extra
