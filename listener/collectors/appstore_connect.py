"""The `appstore_connect` collector: an app's customer reviews from the App Store Connect API (auth: see
listener.platforms.appstore)."""

from __future__ import annotations

from typing import Any

import httpx

from listener.base import PermanentCollectorError, RawMention
from listener.collectors.reviews import (
    ItemInvalid,
    Page,
    Parsed,
    ReviewCollector,
    obj,
    parse_time,
    review_id,
    review_text,
    star_rating,
)
from listener.http.api import bounded, request_json
from listener.platforms.appstore import API, bearer

PAGE_SIZE = 200  # the API's maximum
# Territories whose reviews are nearly all in one language; a hint for detection, not a verdict.
TERRITORY_LANGUAGE = {
    "JPN": "ja", "KOR": "ko", "CHN": "zh", "TWN": "zh", "HKG": "zh", "DEU": "de", "AUT": "de", "FRA": "fr",
    "ITA": "it", "ESP": "es", "MEX": "es", "ARG": "es", "COL": "es", "CHL": "es", "BRA": "pt", "PRT": "pt",
    "NLD": "nl", "SWE": "sv", "NOR": "nb", "DNK": "da", "FIN": "fi", "POL": "pl", "TUR": "tr", "RUS": "ru",
    "UKR": "uk", "THA": "th", "VNM": "vi", "IDN": "id", "CZE": "cs", "HUN": "hu", "GRC": "el", "ISR": "he",
    "SAU": "ar", "ARE": "ar", "EGY": "ar", "USA": "en", "GBR": "en", "AUS": "en", "NZL": "en", "IRL": "en",
}


class AppStoreConnectCollector(ReviewCollector[str]):
    """config: {"app_id": "1234567890"} (the Apple ID shown under App Information in App Store Connect)."""

    def target(self, config: dict[str, Any]) -> str:
        app_id = str(config.get("app_id") or "")
        if not app_id.isascii() or not app_id.isdigit() or len(app_id) > 20:
            raise PermanentCollectorError("config app_id must be the app's numeric Apple ID")
        return app_id

    def page(self, client: httpx.Client, target: str, token: str | None) -> Page:
        url, params = self._url(target, token)
        body = request_json(client, "GET", url, params=params, what="App Store Connect customer reviews",
                            headers={"Authorization": f"Bearer {self.bearer()}"})
        data = body.get("data")
        next_url = obj(body.get("links")).get("next")
        return Page(data if isinstance(data, list) else [], next_url if isinstance(next_url, str) else None,
                    _responses(body.get("included")))

    def _url(self, app_id: str, token: str | None) -> tuple[str, dict[str, Any] | None]:
        if token is None:
            params = {"sort": "-createdDate", "limit": PAGE_SIZE, "include": "response"}
            return f"{API}/v1/apps/{app_id}/customerReviews", params
        # links.next is followed with our bearer token, so it must point back at the API and this app.
        if not token.startswith(f"{API}/v1/apps/{app_id}/customerReviews?"):
            raise PermanentCollectorError("App Store Connect returned a next link outside this app's reviews")
        return token, None

    def bearer(self) -> str:
        return bearer(self.settings, self.tokens)

    def parse(self, item: Any, target: str, page: Page) -> Parsed:
        if not isinstance(item, dict) or not isinstance(item.get("attributes"), dict):
            raise ItemInvalid("no attributes")
        attributes = item["attributes"]
        created = parse_time(attributes.get("createdDate"), "createdDate")
        territory = attributes.get("territory") if isinstance(attributes.get("territory"), str) else None
        mention = RawMention(
            network="appstore", external_id=review_id(item.get("id"), "id"), text=review_text(attributes.get("body")),
            created_at=created, author=bounded(attributes.get("reviewerNickname") or "", 200),
            title=bounded(attributes["title"], 500) if attributes.get("title") else None,
            rating=star_rating(attributes.get("rating"), "rating"),
            language=TERRITORY_LANGUAGE.get(territory or ""), extra=_extra(item, territory, page.related),
        )
        return Parsed(created, mention)


def _responses(included: Any) -> dict[str, Any]:
    """The developer responses sent along with `include=response`, by id."""
    if not isinstance(included, list):
        return {}
    return {entry["id"]: entry.get("attributes") for entry in included if isinstance(entry, dict)
            and entry.get("type") == "customerReviewResponses" and isinstance(entry.get("id"), str)}


def _extra(item: dict[str, Any], territory: str | None, responses: dict[str, Any]) -> dict[str, Any] | None:
    extra: dict[str, Any] = {"territory": bounded(territory, 3)} if territory else {}
    link = obj(obj(obj(item.get("relationships")).get("response")).get("data"))
    response = responses.get(link["id"]) if isinstance(link.get("id"), str) else None
    if isinstance(response, dict) and response.get("responseBody"):
        extra["reply"] = bounded(response["responseBody"], 6000)
        extra["reply_state"] = bounded(response.get("state") or "", 40)
        if isinstance(response.get("lastModifiedDate"), str):
            extra["reply_at"] = bounded(response["lastModifiedDate"], 40)
    return extra or None
