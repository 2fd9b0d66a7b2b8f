"""The Reports page (viewer and up): a report for a range and filters, with its CSV, zip and PDF; the digests
admins schedule; and the "mark resolved" action on a mention's page."""

import web.reports.digest_views
import web.reports.resolve_views
import web.reports.views  # noqa: F401  (each registers its routes on bp)
from web.reports.blueprint import bp

__all__ = ["bp"]
