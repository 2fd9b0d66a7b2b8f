"""A report as PDF through WeasyPrint (imported on first use: it takes a moment to load, and the web process
only needs it when someone downloads a PDF). The document fetches nothing: every chart is a data: URL."""

from __future__ import annotations

from reports.presentation import Links, ReportView, print_html

PAPERS = ("a4", "letter")


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the pango library it needs is missing: say how to install them."""


def render_pdf(view: ReportView, *, links: Links, paper: str = "a4") -> bytes:
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    html = print_html(view, links=links, paper=paper)
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:  # OSError: the pango shared library is missing
        raise PdfUnavailable(f"PDF reports need WeasyPrint and Debian's pango (make install): {error}") from None
    # Only the charts' data: URLs; never a file or the network (nothing in a report should name one).
    fetcher = URLFetcher(allowed_protocols=["data"])
    document: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return document
