"""Source management for admins: the list, add and edit forms, enable/disable, and trying a query out."""

import web.sources.views  # noqa: F401  (registers the routes on bp)
from web.sources.blueprint import bp

__all__ = ["bp"]
