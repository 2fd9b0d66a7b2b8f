"""Saved replies for admins (list, add, edit, deactivate) and the drafting helpers on the mention page:
filling in prompted fields and, when configured, asking the model to rewrite a draft."""

import web.saved_replies.drafting_views
import web.saved_replies.views  # noqa: F401  (importing the view modules registers their routes on bp)
from web.saved_replies.blueprint import bp

__all__ = ["bp"]
