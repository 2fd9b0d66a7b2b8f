"""A loopback stand-in for one Mastodon instance: answers the three endpoints the poster uses, like the real
API, and records every POST it receives (the kill tests count them)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ACCOUNT = {"id": "42", "username": "lumohome", "acct": "lumohome", "display_name": "Lumo Home",
           "url": "http://127.0.0.1/@lumohome", "created_at": "2024-01-01T00:00:00.000Z"}


class FakeMastodon(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.posts: list[dict[str, Any]] = []  # every POST /api/v1/statuses, in order
        self.statuses: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> FakeMastodon:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    def create(self, form: dict[str, str], key: str | None) -> dict[str, Any]:
        with self.lock:
            self.posts.append({"form": form, "idempotency_key": key})
            number = len(self.posts)
            status = {"id": str(110_000 + number), "uri": f"{self.url}/users/lumohome/statuses/{number}",
                      "in_reply_to_id": form.get("in_reply_to_id"), "content": f"<p>{form.get('status', '')}</p>",
                      "visibility": form.get("visibility", "public"), "created_at": "2026-11-05T15:00:00.000Z",
                      "account": ACCOUNT, "media_attachments": [], "mentions": [], "tags": [], "emojis": []}
            self.statuses.insert(0, status)
            return status


class _Handler(BaseHTTPRequestHandler):
    server: FakeMastodon

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/api/v1/statuses":
            return self._answer(404, {"error": "Record not found"})
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        form = {key: values[0] for key, values in parse_qs(body).items()}
        self._answer(200, self.server.create(form, self.headers.get("idempotency-key")))

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/api/v1/accounts/verify_credentials":
            return self._answer(200, ACCOUNT)
        if path == f"/api/v1/accounts/{ACCOUNT['id']}/statuses":
            with self.server.lock:
                return self._answer(200, list(self.server.statuses))
        self._answer(404, {"error": "Record not found"})

    def _answer(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass
