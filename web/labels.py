"""Human labels for the codes the app stores (states, roles, triage and audit actions, lint rules, model ids): one
mapping, read by the `human` template filter, so no page shows `needs_reply` or `reply.ready_to_paste`."""

from __future__ import annotations

import re

from flask import Flask
from markupsafe import Markup

from listener.platforms import COLLECTOR_NETWORKS, NETWORK_NAMES
from settings import DEFAULT_SENTIMENT_MODEL

LABELS: dict[str, str] = {
    # mention states (models.mention.MentionStatus)
    "new": "New", "needs_reply": "Needs reply", "no_reply": "No reply needed", "replied": "Replied",
    "ignored": "Ignored",
    # reply states (models.reply_states.ReplyStatus); "manual" waits for someone to paste it on the platform
    "draft": "Draft", "approved": "Approved", "posting": "Posting", "manual": "Ready to paste",
    "posted": "Posted", "failed": "Failed", "unknown": "Outcome unknown", "rejected": "Rejected",
    # roles
    "viewer": "Viewer", "agent": "Agent", "approver": "Approver", "admin": "Admin",
    # sentiment
    "negative": "Negative", "neutral": "Neutral", "positive": "Positive",
    # the queue's and reports' yes/no filters on the model's judgement
    "complaint": "Complaint", "question": "Question",
    # alerts, deliveries and digests
    "open": "Open", "closed": "Closed", "resolved": "Resolved", "pending": "Pending", "sending": "Sending",
    "sent": "Sent", "weekly": "Weekly", "monthly": "Monthly",
    # lint severities
    "block": "Blocks approval", "warn": "Warning",
    # audit actions
    "reply.drafted": "Draft written", "reply.edited": "Draft edited", "reply.approved": "Reply approved",
    "reply.first_approved": "First approval", "reply.rejected": "Reply rejected", "reply.reopened": "Reply reopened",
    "reply.posting": "Posting started", "reply.posted": "Reply posted", "reply.failed": "Posting failed",
    "reply.unknown": "Posting outcome unknown", "reply.ready_to_paste": "Ready to paste by hand",
    "reply.late_result": "Late result from the platform", "reply.assisted": "Rewritten with the assistant",
    "reply.filled_in": "Fields filled in", "reply.saved_reply_used": "Saved reply used",
    "mention.assigned": "Assigned", "mention.escalated": "Escalated", "mention.ignored": "Ignored",
    "mention.relabelled": "Relabelled",
    "alert.opened": "Alert opened", "alert.acknowledged": "Alert acknowledged", "alert.closed": "Alert closed",
    "alert.resolved": "Alert resolved", "alert.muted": "Alert muted", "alert.updated": "Alert updated",
    "source.second_approval_required": "Second approval required",
    "lint_rule.updated": "Lint rule changed", "topic.created": "Topic added", "topic.updated": "Topic changed",
    "topic.moved": "Topic moved", "saved_reply.created": "Saved reply added",
    "saved_reply.updated": "Saved reply changed", "saved_reply.activated": "Saved reply activated",
    "user.activated": "User activated", "user.password_changed": "Password changed",
    "user.signed_out": "Signed out", "login.throttled": "Sign-in throttled", "login.backoff": "Sign-in slowed down",
    "api_token.created": "API token created", "api_token.revoked": "API token revoked",
    # lint rule codes (responder/lint/rules.json and the generated per-network ones)
    "empty": "Empty reply", "unfilled_variables": "Unfilled variables", "prompted_fields": "Fields still to fill",
    "no_dm_appstore": "No DM offer on the App Store", "no_dm_googleplay": "No DM offer on Google Play",
    "x_not_addressed": "X reply not addressed", "language_mismatch": "Language mismatch",
    "blaming": "Blames the customer", "apology_missing": "Apology missing", "refund_promise": "Refund promise",
    "personal_data_request": "Asks for personal data",
    "personal_data_identity": "Asks for identity data", "defensive": "Defensive tone",
    "compensation_promise": "Compensation promise", "refusal_without_alternative": "Refusal without an alternative",
    "doubled_honorific": "Doubled honorific", "ko_object_honorific": "Korean object honorific",
    "ja_double_keigo": "Double keigo (Japanese)", "store_exclamation": "Exclamation in a store reply",
    "replaces_existing_reply": "Replaces the existing reply", "handle_honorific": "Honorific on a handle",
    "ko_particle": "Korean particle mismatch", "no_dm_review_sites": "No DM offer on review sites",
    "over_promise": "Promise the team may not keep",
}
_LENGTH_RULE = re.compile(r"length_(?P<network>[a-z]+)")
# A stored model version: "<build>-lora-<hash>", then an optional "+lex-<hash>" (the lexical head) and "+<precision>"
# (see sentiment.model).
_MODEL_VERSION = re.compile(
    r"(?P<lora>\blora-[0-9a-f]+)?(?P<lexical>\+lex-[0-9a-f]+)?(?:\+(?P<precision>[a-z0-9]+))?$")


def human(value: object) -> str:
    """The label for a stored code; a code this table does not know is shown with its separators as spaces."""
    if value is None or value == "":
        return ""
    code = str(value)
    if code in LABELS:
        return LABELS[code]
    if (length := _LENGTH_RULE.fullmatch(code)) is not None:
        return f"Length limit ({NETWORK_NAMES.get(length['network'], length['network'])})"
    if code in COLLECTOR_NETWORKS:
        return collector_label(code)
    if "lora-" in code or code == DEFAULT_SENTIMENT_MODEL:
        return model_label(code)
    return re.sub(r"[._]+", " ", code).strip().capitalize() if re.fullmatch(r"[a-z0-9_.]+", code) else code


def model_label(name: str, version: str = "") -> str:
    """"Sentiment model (LoRA, lexical, int8)" for Earful's own model; another model's id is already a name people
    read."""
    text = f"{name} {version}".strip()
    if name != DEFAULT_SENTIMENT_MODEL and "lora-" not in text:
        return text
    match = _MODEL_VERSION.search(text)
    details = [part for part in ("LoRA" if match and match["lora"] else "",
                                 "lexical" if match and match["lexical"] else "",
                                 match["precision"] if match and match["precision"] else "") if part]
    return "Sentiment model" + (f" ({', '.join(details)})" if details else "")


def collector_label(code: str) -> str:
    """ "x_search" -> "X search", "appstore_feed" -> "App Store feed", "rss" -> "RSS / Atom"."""
    network = COLLECTOR_NETWORKS[code]
    rest = code.removeprefix(network).replace("_", " ").strip()
    return f"{NETWORK_NAMES[network]} {rest}".strip()


def human_code(value: object) -> Markup:
    """The label with the raw code in a tooltip, for pages where staff may need the exact code."""
    if value is None or value == "":
        return Markup("")
    return Markup('<span title="{}">{}</span>').format(str(value), human(value))


def init_app(app: Flask) -> None:
    app.add_template_filter(human)
    app.add_template_filter(human_code)
    app.add_template_filter(model_label)
