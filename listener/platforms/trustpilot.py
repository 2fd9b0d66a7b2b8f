"""Trustpilot: a business unit's reviews (public API, API key) and replies (business-user OAuth token)."""

from __future__ import annotations

import re

from listener.platforms.spec import CollectorSpec, NetworkSpec, PosterSpec

API = "https://api.trustpilot.com/v1"
REVIEW_ID = re.compile(r"[0-9A-Za-z]{1,64}")
SPEC = NetworkSpec(
    key="trustpilot", display_name="Trustpilot",
    collectors=(
        CollectorSpec("trustpilot", "listener.collectors.trustpilot:TrustpilotCollector",
                      "every public review of the business unit, newest first (Trustpilot public API)",
                      credentials=("trustpilot_api_key",)),
    ),
    poster=PosterSpec("responder.posters.trustpilot:TrustpilotPoster", ("trustpilot_api_key", "trustpilot_api_secret")),
    upsert=True,
    channel="store",
    revisable=True,
)
