"""Google Play: the Android Publisher API's reviews, read and answered with a Google service account."""

from __future__ import annotations

import re

from listener.platforms.spec import CollectorSpec, NetworkSpec, PosterSpec, ReplyLimit

API = "https://androidpublisher.googleapis.com/androidpublisher/v3/applications"
SCOPE = "https://www.googleapis.com/auth/androidpublisher"
PACKAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+")
CREDENTIALS = ("google_service_account_file",)  # see listener.platforms.google
SPEC = NetworkSpec(
    key="googleplay", display_name="Google Play",
    collectors=(
        CollectorSpec("googleplay", "listener.collectors.googleplay:GooglePlayCollector",
                      "reviews created or modified in the last 7 days only (Google Play Developer API limit)",
                      credentials=CREDENTIALS),
    ),
    poster=PosterSpec("responder.posters.googleplay:GooglePlayPoster", CREDENTIALS),
    upsert=True,
    channel="store",
    revisable=True,
    reply_limit=ReplyLimit(350, "Google Play rejects longer replies."),
)
