"""The review queue: list of mentions, the mention page, the reply actions, triage and bulk actions."""

from web.queue import actions as _actions  # noqa: F401  (registers the routes on bp)
from web.queue import findings as _findings  # noqa: F401  (the reply_findings template global)
from web.queue import saved_views as _saved_views  # noqa: F401  (a person's saved queue views)
from web.queue import time_zone as _time_zone  # noqa: F401  (the viewer's time zone: setting, template global)
from web.queue import triage_views as _triage_views  # noqa: F401
from web.queue import views as _views  # noqa: F401
from web.queue.blueprint import bp

__all__ = ["bp"]
