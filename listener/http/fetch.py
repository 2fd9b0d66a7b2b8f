"""Shared plumbing for collectors that read public HTTP APIs: one httpx client setup, status -> typed error,
and turning the platforms' HTML and oversized fields into bounded plain text."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

import httpx

from listener.base import CollectorError, PermanentCollectorError
from listener.http.status import is_transient_status
from listener.text import MAX_TEXT_CHARS, clean_text

USER_AGENT = "earful/0.1 (self-hosted social listening)"
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_ID_CHARS = 128  # Mention.external_id is VARCHAR(128)
MAX_RETRY_AFTER = 24 * 3600.0


def make_client(*, timeout: httpx.Timeout = TIMEOUT) -> httpx.Client:
    return httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=True,
                        max_redirects=5)


def get_body(client: httpx.Client, url: str, *, what: str, params: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None, max_bytes: int = MAX_BODY_BYTES) -> tuple[httpx.Response, bytes]:
    """GET and read at most `max_bytes`, raising CollectorError for anything but 2xx and 304."""
    try:
        request = client.build_request("GET", url, params=params, headers=headers)
    except httpx.InvalidURL as error:
        raise PermanentCollectorError(f"{what}: invalid URL ({error})") from error
    try:
        response = client.send(request, stream=True)
        try:
            body = _read_limited(response, max_bytes, what)
        finally:
            response.close()
    except httpx.TimeoutException as error:
        raise CollectorError(f"{what}: timed out ({type(error).__name__})") from error
    except (httpx.TooManyRedirects, httpx.UnsupportedProtocol) as error:
        raise PermanentCollectorError(f"{what}: {type(error).__name__}: {error}") from error
    except httpx.RequestError as error:
        raise CollectorError(f"{what}: network error ({type(error).__name__}: {error})") from error
    raise_for_status(response, body, what)
    return response, body


def fetch_body(client: httpx.Client | None, url: str, *, what: str, params: dict[str, Any] | None = None,
               headers: dict[str, str] | None = None) -> tuple[httpx.Response, bytes]:
    """`get_body` on the given client, or on a client of its own that is closed afterwards."""
    if client is not None:
        return get_body(client, url, what=what, params=params, headers=headers)
    with make_client() as own:
        return get_body(own, url, what=what, params=params, headers=headers)


def fetch_json(client: httpx.Client | None, url: str, *, what: str, params: dict[str, Any] | None = None) -> Any:
    _, body = fetch_body(client, url, what=what, params=params)
    try:
        return json.loads(body)
    except ValueError as error:
        raise CollectorError(f"{what}: response is not JSON ({error})") from error


def _read_limited(response: httpx.Response, max_bytes: int, what: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise PermanentCollectorError(f"{what}: response larger than {max_bytes:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def raise_for_status(response: httpx.Response, body: bytes, what: str) -> None:
    status = response.status_code
    if 200 <= status < 300 or status == 304:
        return
    message = f"{what}: HTTP {status} {platform_message(body)}".strip()
    if is_transient_status(status):
        raise CollectorError(message, retry_after=retry_after(response.headers))
    if 400 <= status < 500:
        raise PermanentCollectorError(message)
    raise CollectorError(message)


def platform_message(body: bytes) -> str:
    """The error the platform gave, from a JSON {"error"|"message": ...} body or the start of the text."""
    text = body[:4000].decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return bounded(html_to_text(text), 300)
    if isinstance(data, dict):
        for key in ("error_description", "error", "message", "errors"):
            if data.get(key):
                return bounded(str(data[key]), 300)
    return bounded(text, 300)


def retry_after(headers: httpx.Headers, *, default: float | None = None) -> float | None:
    """Seconds to wait from Retry-After (delta-seconds or an HTTP date, read against the server's Date)."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return default
    seconds: float | None
    try:
        seconds = float(value)
    except ValueError:
        seconds = _seconds_until(value, headers.get("date"))
    if seconds is None:
        return default
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _seconds_until(http_date: str, server_date: str | None) -> float | None:
    try:
        when = parsedate_to_datetime(http_date)
        now = parsedate_to_datetime(server_date) if server_date else datetime.now(timezone.utc)
    except (TypeError, ValueError):
        return None
    return (when - now).total_seconds()


class _TextExtractor(HTMLParser):
    """Keeps only character data: tags are dropped, entities decoded, script/style bodies discarded."""

    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})
    DROP = frozenset({"script", "style", "template", "noscript", "iframe", "object"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.DROP:
            self.dropping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BREAKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.DROP:
            self.dropping = max(0, self.dropping - 1)
        elif tag in self.BREAKS and tag != "br":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment with its line breaks. Escaped text such as `&lt;b&gt;` stays as the
    literal characters the author typed: it is text, and output escaping is the web layer's job."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def reason(error: Exception) -> str:
    """Why an item was skipped; a KeyError's str() would wrap its message in quotes."""
    return str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)


def bounded(value: str, limit: int = MAX_TEXT_CHARS) -> str:
    text = clean_text(value).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bounded_id(value: str) -> str:
    """External ids longer than the column stay unique and stable as a digest."""
    value = clean_text(value).strip()
    if len(value) <= MAX_ID_CHARS:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def http_url(value: Any, limit: int = 2000) -> str | None:
    """A link from a payload, kept only when it is a plain http(s) URL of sane length."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if len(url) > limit or not url.lower().startswith(("https://", "http://")) or any(c.isspace() for c in url):
        return None
    return url
