"""The starter saved replies and the reply-quality set: every starter renders to a reply lint lets through on every
network of its channel, the judge's rules (firing and not), the set's shape, and the whole `earful eval --drafts`
on the real set with its labelled scores (>= 90% acceptable per language, zero-tolerance counts 0)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from listener.platforms import NETWORKS
from models import Mention, User
from responder.drafting import library
from responder.drafting.faq import ANSWER_PROMPT
from responder.drafting.variables import Workspace, fill_agent, render, variables_for
from responder.lint.findings import BLOCK, Draft, lint_draft
from responder.lint.rules import default_rules
from responder.quality.evaluate import TARGET_SHARE, evaluate, labelled_scorer, load_cases
from responder.quality.judge import (
    ESCALATE,
    FACT_WORDS,
    NO_DRAFT,
    ZERO_TOLERANCE,
    Drafted,
    asked_again,
    faults,
    judge,
)
from web.cli import cli

RULES = list(default_rules())
STARTERS = json.loads(library.STARTER_FILE.read_text(encoding="utf-8"))
SIGNER = User(email="mika.tanaka@lumohome.example", password_hash="")
NOW = datetime(2026, 12, 4, 3, 0, tzinfo=timezone.utc)  # a Friday
WORKSPACE = Workspace(brand="Lumo Home", support_url="https://lumohome.example/help")
# Who writes on each channel: a display name on a review, a handle on a social post.
AUTHORS = {("store", "en"): "Dana R.", ("store", "ja"): "田中 優子", ("store", "ko"): "김민지",
           ("social", "en"): "dana_cooks", ("social", "ja"): "hana_to_pan", ("social", "ko"): "minseo_0412"}
SCORES = {"complaint": ("negative", 0.9, 1), "mixed": ("negative", 0.6, 2), "question": ("neutral", 0.1, 4),
          "praise": ("positive", 0.0, 5), "neutral": ("neutral", 0.1, 3)}


def _starter_cases() -> list[tuple[str, int, str]]:
    """(starter name, wording, network) for every wording of every starter on every network of its channel that
    Earful can answer on."""
    cases = []
    for entry in STARTERS:
        networks = [key for key, spec in NETWORKS.items() if spec.channel == entry["channel"] and spec.poster]
        for number in range(1 + len(entry["variants"])):
            cases += [(entry["name"], number, network) for network in networks]
    return cases


@pytest.mark.parametrize(("name", "wording", "network"), _starter_cases())
def test_every_starter_wording_passes_lint_on_every_network_of_its_channel(name: str, wording: int,
                                                                           network: str) -> None:
    entry = next(entry for entry in STARTERS if entry["name"] == name)
    sentiment, complaint, rating = SCORES[entry["intent"]]
    mention = Mention(network=network, external_id="m1", author=AUTHORS[(entry["channel"], entry["language"])],
                      text="…", language=entry["language"], sentiment=sentiment, complaint=complaint,
                      rating=rating if entry["channel"] == "store" else None, in_reply_to_brand=True,
                      created_at=NOW, topics=[entry["topic"]] if entry["topic"] else [])
    body = [entry["body"], *entry["variants"]][wording]
    variables = variables_for(mention, WORKSPACE, now=NOW) | {"answer": ANSWER_PROMPT}  # no FAQ entry fits
    rendered = render(body, variables)
    text = fill_agent(rendered.text, SIGNER)
    findings = lint_draft(Draft(text=text, network=network, mention_language=entry["language"], rating=mention.rating,
                                in_reply_to_brand=True, complaint=complaint, sentiment=sentiment,
                                saved_body=entry["body"], author=mention.author), RULES)
    # A question's answer ({?answer}, when no FAQ entry fits) is typed in by a person: that is the only block.
    assert [f.code for f in findings if f.severity == BLOCK] in ([], ["prompted_fields"]), (text, findings)
    assert set(rendered.missing) <= {"agent"} and "{agent}" not in text, text  # the signature is filled in
    assert faults(text, network=network) == [], text


def test_the_starters_cover_each_intent_and_complaint_topic_on_both_channels() -> None:
    seen = Counter((e["language"], e["channel"], e["intent"], e["topic"], e["sentiment"]) for e in STARTERS)
    topics = ("delivery", "refund", "quality", "billing", "support", "price", "app_bug", None)
    for language in ("en", "ja", "ko"):
        for channel in ("store", "social"):
            for topic in topics:
                assert seen[(language, channel, "complaint", topic, None)] == 1, (language, channel, topic)
            for intent in ("question", "mixed", "praise", "neutral"):
                assert seen[(language, channel, intent, None, None)] == 1, (language, channel, intent)
    assert len({entry["name"] for entry in STARTERS}) == len(STARTERS)


@pytest.mark.parametrize("phrase", ["本日中に", "오늘 바로", "交換品をお送りいたします", "교환품을 보내드리겠습니다",
                                    "today", "DM", "@{author}", "{author}様", "{author}님"])
def test_no_starter_over_promises_offers_a_dm_or_writes_a_handle(phrase: str) -> None:
    for entry in STARTERS:
        for wording in [entry["body"], *entry["variants"]]:
            assert phrase not in wording, (entry["name"], wording)


# --- the judge ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "network", "fires"), [
    ("Please DM us your details.", "googleplay", True),
    ("お手数ですがDMにてご連絡ください。", "appstore", True),
    ("다이렉트 메시지로 연락 주세요.", "appstore", True),
    ("Please DM us your details.", "x", False),  # X has DMs
    ("Our admin team will reply through Help in the app.", "appstore", False),
])
def test_the_judge_finds_a_dm_offered_on_a_store(text: str, network: str, fires: bool) -> None:
    assert ("dm_on_store" in faults(text, network=network)) is fires


@pytest.mark.parametrize(("text", "fires"), [
    ("@hana_to_pan様、ご連絡ありがとうございます。", True),
    ("@minseo_0412님, 안녕하세요.", True),
    ("田中 優子様\nレビューをありがとうございます。", False),
    ("お客様、ご連絡ありがとうございます。", False),
    ("@lumohome_kr 고객님, 문의 감사합니다.", False),
])
def test_the_judge_finds_a_handle_before_an_honorific(text: str, fires: bool) -> None:
    assert ("handle_honorific" in faults(text, network="x")) is fires


@pytest.mark.parametrize(("text", "fires"), [
    ("앞으로도 Lumo Home를 잘 부탁드립니다.", True),
    ("Lumo Home와 함께해 주세요.", True),
    ("앞으로도 Lumo Home을 잘 부탁드립니다.", False),
    ("Lumo와 함께해 주세요.", False),
])
def test_the_judge_finds_a_korean_particle_that_disagrees(text: str, fires: bool) -> None:
    assert ("particle" in faults(text, network="googleplay")) is fires


@pytest.mark.parametrize(("text", "facts", "asked"), [
    ("DMにてご注文番号をお知らせください。", ["order_number"], ["order_number"]),
    ("주문번호를 DM으로 보내주시면 확인해 드리겠습니다.", ["order_number"], ["order_number"]),
    ("Please send us your order number by DM.", ["order_number"], ["order_number"]),
    ("Could you share a photo of the mug?", ["photo", "order_number"], ["photo"]),
    ("端末の機種をお知らせください。", ["device"], ["device"]),
    ("DMにてご注文番号をお知らせください。", [], []),  # the author gave nothing: asking is fine
    ("ご注文番号LH-JP-204511の件、配送業者に確認いたします。", ["order_number"], []),  # used, not asked
    ("We're sorry about the photo frame. Please reach us via DM.", ["order_number"], []),
])
def test_the_judge_finds_a_question_for_a_fact_already_given(text: str, facts: list[str], asked: list[str]) -> None:
    assert asked_again(text, facts) == asked
    assert ("asks_again" in faults(text, network="x", must_not_ask=facts)) is bool(asked)


def test_a_verdict_needs_the_right_template_no_blocking_lint_and_no_fault() -> None:
    fine = Drafted("Late delivery, social (en)", "Hi there, we're sorry your order is late. - Lumo Home Care")
    assert judge(fine, acceptable=["Late delivery, social (en)"], network="x").acceptable
    wrong = judge(fine, acceptable=["Price, social (en)"], network="x")
    assert not wrong.acceptable and wrong.problems == ("wrong_template",)
    blocked = Drafted("Late delivery, social (en)", fine.text, ("refund_promise",))
    assert judge(blocked, acceptable=[fine.chosen], network="x").problems == ("lint:refund_promise",)
    dm = Drafted("Any complaint, store review (en)", "Please DM us.")
    assert judge(dm, acceptable=[dm.chosen], network="appstore").problems == ("dm_on_store",)
    assert judge(Drafted(NO_DRAFT), acceptable=[NO_DRAFT], network="x").acceptable
    assert not judge(Drafted(NO_DRAFT), acceptable=[ESCALATE], network="x").acceptable


# --- the set and the whole evaluation -----------------------------------------------------------------------------

def test_the_set_is_labelled_for_every_failure_case_of_the_issue() -> None:
    cases = load_cases()
    names = {entry["name"] for entry in STARTERS} | {NO_DRAFT, ESCALATE}
    languages = Counter(case.language for case in cases)
    assert len(cases) >= 150 and min(languages[language] for language in ("en", "ja", "ko")) >= 50
    assert len({case.id for case in cases}) == len(cases)
    for case in cases:
        assert case.acceptable and set(case.acceptable) <= names, case.id
        assert set(case.must_not_ask) <= set(FACT_WORDS) and case.labelled is not None, case.id
        assert all(name.endswith(f"({case.language})") for name in set(case.acceptable) - {NO_DRAFT, ESCALATE})
    for language in ("en", "ja", "ko"):
        mine = [case for case in cases if case.language == language]
        assert any(case.acceptable == (ESCALATE,) for case in mine), language
        assert any("order_number" in case.must_not_ask for case in mine), language
        assert any(case.acceptable == (NO_DRAFT,) for case in mine), language
        assert sum(case.network in ("appstore", "googleplay") for case in mine) >= 20, language


@pytest.mark.slow
def test_the_starters_draft_the_set_acceptably_in_every_language() -> None:
    report = evaluate(load_cases(), labelled_scorer, WORKSPACE, scorer_name="labels")
    figures = report.figures()
    assert {language: round(f.share, 3) for language, f in figures.items() if f.share < TARGET_SHARE} == {}
    assert report.zero_tolerance() == Counter({code: 0 for code in ZERO_TOLERANCE})
    assert report.meets_targets()


@pytest.mark.slow
def test_eval_drafts_prints_the_figures_per_language() -> None:
    result = CliRunner().invoke(cli, ["eval", "--drafts", "--labelled", "--strict"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("reply-quality set: ") and "labelled scores" in lines[0]
    assert [line.split()[0] for line in lines[2:5]] == ["en", "ja", "ko"]
    assert lines[5].endswith(": met")
    assert CliRunner().invoke(cli, ["eval", "--strict"]).exit_code == 2  # --strict goes with --drafts
