"""Google Business Profile: a location's reviews, read and answered with a Google service account."""

from __future__ import annotations

from listener.platforms.spec import CollectorSpec, NetworkSpec, PosterSpec, ReplyLimit

API = "https://mybusiness.googleapis.com/v4"
SCOPE = "https://www.googleapis.com/auth/business.manage"
CREDENTIALS = ("google_service_account_file",)  # see listener.platforms.google
SPEC = NetworkSpec(
    key="gbp", display_name="Google Business Profile",
    collectors=(
        CollectorSpec("gbp", "listener.collectors.gbp:BusinessProfileCollector",
                      "every review of the location, newest update first (Google Business Profile API)",
                      credentials=CREDENTIALS),
    ),
    poster=PosterSpec("responder.posters.gbp:BusinessProfilePoster", CREDENTIALS),
    upsert=True,
    channel="store",
    revisable=True,
    reply_limit=ReplyLimit(4096, "Google Business Profile rejects longer replies."),
)
