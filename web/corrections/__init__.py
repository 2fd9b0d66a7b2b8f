"""Staff relabelling of a mention's sentiment, complaint and topics, from the mention page."""

import web.corrections.views  # noqa: F401  (registers the routes on bp)
from web.corrections.blueprint import bp

__all__ = ["bp"]
