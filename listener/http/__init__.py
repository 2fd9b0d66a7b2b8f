"""HTTP plumbing shared by collectors, platform auth and posters: public pages and feeds (fetch), JSON APIs with
bearer tokens (api), which statuses are worth retrying (status) and rate-limit headers (ratelimit)."""
