"""Simulated community managers: each logs in for real (CSRF included) and walks the queue with pauses to read.

A walk picks a view (a tab, maybe a filter or a search, a sort), loads its first page in full, then follows
"Next page" the way htmx does (a partial of the queue body) for a few pages. Every user's walks come from a
seeded generator, so two runs against two servers request the same views in the same order; `offset_pages`
makes the next pages OFFSET-numbered (the baseline) instead of following the keyset link.
"""

from __future__ import annotations

import html
import random
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

TABS = {"needs_reply": 40, "awaiting": 20, "approved": 6, "manual": 6, "posted": 12, "ignored": 6, "no_reply": 10}
SORTS = {"newest": 60, "negative": 25, "waiting": 15}
FILTERS = {
    "network": ["x", "reddit", "googleplay", "appstore", "trustpilot", "gbp", "mastodon"],
    "sentiment": ["negative", "neutral", "positive"],
    "language": ["en", "ja", "ko", "es", "de", "pt-br"],
    "topic": ["delivery", "refund", "quality", "billing", "app_bug"],
    "q": ["kettle", "refund", "broken", "charged me twice", "wifi", "配送", "환불", "garantía", "user12"],
}
PAGE_SIZE = 50
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NEXT_LINK = re.compile(r'<a rel="next" href="([^"]+)"')
COUNTS_LOADER = re.compile(r'<span hidden hx-get="([^"]+)" hx-trigger="load"')
QUEUE_BODY = {"HX-Request": "true", "HX-Target": "queue-body"}


@dataclass(frozen=True)
class Walk:
    args: dict[str, str]
    pages: int  # next pages to follow after the first


@dataclass
class Sample:
    kind: str  # "first", "next" or "counts" (the tab counts a page asks for when they were not remembered)
    seconds: float
    status: int
    started: float  # time.monotonic() when the request was sent


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def next_walk(rng: random.Random, max_pages: int) -> Walk:
    args = {"tab": _weighted(rng, TABS)}
    sort = _weighted(rng, SORTS)
    if sort != "newest":
        args["sort"] = sort
    roll = rng.random()
    if roll < 0.55:  # about half the views narrow the list, one in ten by two filters
        for name in rng.sample(sorted(FILTERS), 2 if roll < 0.1 else 1):
            args[name] = rng.choice(FILTERS[name])
    return Walk(args, rng.randint(0, max_pages - 1))


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class User(threading.Thread):
    def __init__(self, base_url: str, email: str, password: str, *, seed: int, max_pages: int, think: float,
                 until: float, results: Results, offset_pages: bool) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=base_url, timeout=600, follow_redirects=False)
        self.email, self.password = email, password
        self.rng, self.max_pages, self.think, self.until = random.Random(seed), max_pages, think, until
        self.results, self.offset_pages = results, offset_pages

    def run(self) -> None:
        try:
            self.log_in()
            while time.monotonic() < self.until:
                self.walk(next_walk(self.rng, self.max_pages))
        except Exception as error:
            self.results.fail(f"{self.email}: {type(error).__name__}: {error}")
        finally:
            self.client.close()

    def log_in(self) -> None:
        form = self.client.get("/login")
        token = CSRF_FIELD.search(form.text)
        if form.status_code != 200 or token is None:
            raise RuntimeError(f"login form: HTTP {form.status_code}")
        answer = self.client.post("/login", data={"email": self.email, "password": self.password,
                                                  "csrf_token": html.unescape(token.group(1)), "next": "/queue"})
        if answer.status_code != 302:
            raise RuntimeError(f"login refused: HTTP {answer.status_code}")

    def walk(self, walk: Walk) -> None:
        body = self.get("first", "/queue?" + urlencode(walk.args), {})
        for page in range(1, walk.pages + 1):
            if time.monotonic() >= self.until:
                return
            link = NEXT_LINK.search(body)
            if link is None:
                return  # the last page
            if self.offset_pages:
                url = "/queue?" + urlencode({**walk.args, "offset": str(page * PAGE_SIZE)})
            else:
                url = html.unescape(link.group(1))
            body = self.get("next", url, QUEUE_BODY)

    def get(self, kind: str, url: str, headers: dict[str, str]) -> str:
        time.sleep(self.rng.uniform(0.5, 1.5) * self.think)
        body = self.fetch(kind, url, headers)
        loader = COUNTS_LOADER.search(body)
        if loader is not None:  # as htmx does as soon as the page is in: no pause
            self.fetch("counts", html.unescape(loader.group(1)), {"HX-Request": "true"})
        return body

    def fetch(self, kind: str, url: str, headers: dict[str, str]) -> str:
        sent, started = time.monotonic(), time.perf_counter()
        response = self.client.get(url, headers=headers)
        seconds = time.perf_counter() - started
        self.results.add(Sample(kind, seconds, response.status_code, sent))
        if response.status_code != 200 or 'class="tabs"' not in response.text:
            raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
        return response.text


def run_users(base_url: str, emails: list[str], password: str, *, seed: int, max_pages: int, think: float,
              duration: float, warmup: float, offset_pages: bool) -> tuple[Results, float]:
    """Every user walks for `warmup` + `duration` seconds; returns the requests sent after the warm-up (fresh
    processes compile templates and statements and open connections) and the seconds they spanned."""
    results = Results()
    started = time.monotonic()
    users = [User(base_url, email, password, seed=seed + number, max_pages=max_pages, think=think,
                  until=started + warmup + duration, results=results, offset_pages=offset_pages)
             for number, email in enumerate(emails)]
    for user in users:
        user.start()
    for user in users:
        user.join()
    measured = [sample for sample in results.samples if sample.started >= started + warmup]
    return Results(measured, results.errors), time.monotonic() - started - warmup
