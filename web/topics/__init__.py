"""Complaint topics for admins: each topic's description, keywords and example sentences, which scoring uses."""

import web.topics.views  # noqa: F401  (registers the routes on bp)
from web.topics.blueprint import bp

__all__ = ["bp"]
