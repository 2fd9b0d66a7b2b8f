"""The Reports page in Chromium: change the range and a filter with the form (no script needed), then download
the CSV zip and the PDF and check what they hold."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, screenshot, unique
from tests.browser.seed import mention_with_draft, user
from tests.browser.server import LiveServer

if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")
from playwright.sync_api import expect  # after the skip: only where playwright is installed

OpenPage = Callable[..., Any]
FIRST_DAY = datetime(2026, 10, 5, 10, tzinfo=timezone.utc)


def test_change_range_and_filter_then_download_zip_and_pdf(server: LiveServer, open_page: OpenPage) -> None:
    email = f"{unique('viewer')}@example.com"
    user(server.session_factory, email, "viewer")
    for day in range(20):
        network = "reddit" if day % 4 == 0 else "x"
        mention_with_draft(server.session_factory, unique("report"), draft=None, network=network,
                           created_at=FIRST_DAY + timedelta(days=day), topics=["delivery"])
    page = open_page(email)
    page.click("nav >> text=Reports")
    expect(page.locator("h1")).to_have_text("Reputation report")

    page.select_option("#report-range", "custom")
    page.fill("#report-since", "2026-10-01")
    page.fill("#report-until", "2026-10-31")
    page.select_option("#report-network", "x")
    page.click("button:has-text('Show report')")
    # The form's empty fields are dropped: the address holds just the range and the filters, ready to share.
    page.wait_for_url(re.compile(r"/reports\?range=custom&since=2026-10-01&until=2026-10-31&network=x$"))
    expect(page.locator(".report-meta")).to_contain_text("2026-10-01 – 2026-10-31")
    expect(page.locator(".report-meta")).to_contain_text("Network: x")
    expect(page.locator("#table-volume_by_network tbody tr")).to_have_count(1)
    expect(page.locator("svg[role=img]").first).to_be_visible()
    screenshot(page, "reports-page")

    with page.expect_download() as caught:
        page.click("text=every table as CSV (zip)")
    archive = zipfile.ZipFile(io.BytesIO(caught.value.path().read_bytes()))
    assert "Filters: Network: x" in archive.read("README.txt").decode()
    rows = list(csv.DictReader(io.StringIO(archive.read("volume_by_network.csv").decode())))
    assert rows == [{"network": "x", "current": "15", "previous": "0"}]

    with page.expect_download(timeout=60_000) as caught:  # rendering the PDF takes seconds on a busy machine
        page.click("text=PDF (Letter)", timeout=60_000)
    document = caught.value.path().read_bytes()
    assert document.startswith(b"%PDF") and caught.value.suggested_filename.endswith("-letter.pdf")
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(document)
    text = pdf[0].get_textpage().get_text_range()
    assert "Lumo Home" in text and "Network: x" in text and "2026-10-01" in text
    pdf.close()
