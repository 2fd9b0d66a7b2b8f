"""The queue's first load (HTML, CSS, JS, icons) stays under 150 KB gzipped: measured as bench/web_weight.py does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from bench.web_weight import BUDGET_BYTES, asset_paths, measure


def test_the_queue_page_and_its_assets_fit_the_budget(client: FlaskClient, logged_in: Callable[[str], Any],
                                                     make_mention: Callable[..., Any]) -> None:
    logged_in("agent")
    for n in range(50):
        make_mention(network=("x", "reddit", "appstore")[n % 3], status="needs_reply", sentiment="negative")
    html = client.get("/queue").get_data()
    paths = asset_paths(html.decode("utf-8"))
    assert {"/static/css/app.css", "/static/vendor/htmx.min.js", "/static/favicon.svg"} <= set(paths)
    weight = measure("/queue", html, lambda path: client.get(path).get_data())
    assert all(raw > 0 for raw, _ in weight.sizes.values())
    assert weight.compressed < BUDGET_BYTES, "\n".join(weight.lines())


def test_asset_paths_reads_links_scripts_images_and_sprites() -> None:
    html = ('<link rel="stylesheet" href="/static/css/app.css"><script src="/static/js/app.js" defer></script>'
            '<img src="/static/favicon.svg" alt=""><svg><use href="/static/vendor/icons/networks.svg#x"></use></svg>'
            '<svg><use href="/static/vendor/icons/networks.svg#reddit"></use></svg><a href="/static/no.css">x</a>')
    assert asset_paths(html) == ["/static/css/app.css", "/static/js/app.js", "/static/favicon.svg",
                                 "/static/vendor/icons/networks.svg"]
