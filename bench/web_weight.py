"""Page weight of the queue's first load: the HTML and every stylesheet, script, icon and image it names, each gzipped
(level 6, what a proxy's gzip does by default) and summed. The budget is 150 KB compressed.

    .venv/bin/python bench/web_weight.py          # builds a throwaway SQLite app with a page of mentions

tests/web/test_page_weight.py runs the same measurement against the test app and holds the budget.
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUDGET_BYTES = 150 * 1024
_ASSET = re.compile(r'<(?:link[^>]*\bhref|script[^>]*\bsrc|img[^>]*\bsrc|use[^>]*\bhref)="(/static/[^"#?]+)', re.I)


@dataclass(frozen=True)
class Weight:
    sizes: dict[str, tuple[int, int]]  # path -> (raw bytes, gzipped bytes)

    @property
    def compressed(self) -> int:
        return sum(gzipped for _, gzipped in self.sizes.values())

    def lines(self) -> list[str]:
        rows = [f"{path:<48} {raw:>9,} B  {gzipped:>8,} B gz" for path, (raw, gzipped) in self.sizes.items()]
        return [*rows, f"{'total':<48} {sum(r for r, _ in self.sizes.values()):>9,} B  {self.compressed:>8,} B gz "
                       f"(budget {BUDGET_BYTES:,} B)"]


def asset_paths(html: str) -> list[str]:
    """The same-origin static files a page loads: stylesheets, scripts, icons (sprite and favicon) and images."""
    return list(dict.fromkeys(_ASSET.findall(html)))


def measure(page_path: str, html: bytes, fetch: Callable[[str], bytes]) -> Weight:
    sizes = {page_path: (len(html), len(gzip.compress(html, 6)))}
    for path in asset_paths(html.decode("utf-8")):
        body = fetch(path)
        sizes[path] = (len(body), len(gzip.compress(body, 6)))
    return Weight(sizes)


def main() -> None:
    from datetime import datetime, timezone

    from inbox.auth.service import create_user
    from models import Mention, Reply
    from models.db import make_engine, make_session_factory, session_scope
    from models.migrate import upgrade
    from settings import Settings
    from web import create_app

    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/weight.db"
        upgrade(url)
        factory = make_session_factory(make_engine(url))
        with session_scope(factory) as session:
            create_user(session, "weight@example.com", "correct horse battery", role="admin")
            for n in range(50):
                mention = Mention(network=("x", "reddit", "appstore")[n % 3], external_id=f"w{n}", author=f"c{n}",
                                  text="My kettle arrived broken and nobody answers. " * 3, status="needs_reply",
                                  sentiment="negative", confidence=0.9, language="en", complaint=0.8,
                                  created_at=datetime(2026, 3, 1, 9, n, tzinfo=timezone.utc))
                session.add(mention)
                session.flush()
                session.add(Reply(mention_id=mention.id or 0, text="Sorry to hear that.", poster="manual"))
        settings = Settings(database_url=url, broker_url=f"sqla+sqlite:///{directory}/broker.db",
                            secret_key="weight-bench")  # type: ignore[arg-type]  # noqa: S106
        app = create_app(settings, session_factory=factory, dispatcher=object())  # type: ignore[arg-type]
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        client.post("/login", data={"email": "weight@example.com", "password": "correct horse battery"})
        html = client.get("/queue").get_data()
        weight = measure("/queue", html, lambda path: client.get(path).get_data())
    print("\n".join(weight.lines()))
    if weight.compressed > BUDGET_BYTES:
        raise SystemExit(f"over budget by {weight.compressed - BUDGET_BYTES:,} B")


if __name__ == "__main__":
    main()
