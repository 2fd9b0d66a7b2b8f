"""The complaint stage on a tiny random BERT: every fold is scored by an encoder tuned without it, the shipped one is
tuned on all of them, the starting model is left alone, and a resumed run reuses the finished folds."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from sentiment import complaint_tuning
from sentiment.complaint_cv import fold_of
from sentiment.complaint_tuning import TuningConfig, choose_head, cross_validate, stored_out_of_fold
from sentiment.datasets import Example
from sentiment.finetune import TopModel, embed_rows, lower_states, trained_state
from sentiment.heads import LinearHead, logits_of
from sentiment.lora import add_lora

COMPLAINTS = ["bad box", "late again", "broken", "awful stuff", "so bad", "hate it", "late box", "bad again",
              "awful box", "broken again"]
FINE = ["good box", "nice again", "great", "good stuff", "so nice", "love it", "nice box", "good again", "great box",
        "nice stuff"]
CONFIG = TuningConfig(epochs=3, lr=3e-2, head_lr=5e-2, replay=4, other_complaints=4, batch_size=4, bf16=False)


def complaint_set() -> list[Example]:
    return [Example(f"@brand {t}", "complaints", None, False, int(t in COMPLAINTS)) for t in COMPLAINTS + FINE]


def first_stage() -> list[Example]:
    return ([Example(t, "semeval", 0 if t in COMPLAINTS else 2, False, None) for t in COMPLAINTS[:4] + FINE[:4]]
            + [Example(t, "kote", None, False, int(t in COMPLAINTS)) for t in COMPLAINTS[4:8] + FINE[4:8]])


@pytest.fixture
def setup(tiny_bert: Callable[[], Any], char_tokens: Any) -> tuple[TopModel, dict[str, torch.Tensor]]:
    encoder = tiny_bert()
    texts = sorted({r.text for r in complaint_set() + first_stage()} | set(COMPLAINTS + FINE))
    states = dict(zip(texts, lower_states(encoder, char_tokens, texts, split=0, prefix="", max_tokens=32),
                      strict=True))
    layers = copy.deepcopy(encoder.encoder.layer)
    add_lora(layers, rank=4, alpha=8.0)
    torch.manual_seed(1)
    return TopModel(layers, LinearHead(16, 3), LinearHead(16, 1)), states


def test_each_fold_is_scored_by_an_encoder_tuned_without_it(setup: tuple[TopModel, dict[str, torch.Tensor]],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    top, states = setup
    before = trained_state(top)
    tuned_on: list[set[str]] = []
    real_tune = complaint_tuning.tune

    def recording_tune(start: TopModel, rows: list[Example], *args: Any, **kwargs: Any) -> TopModel:
        tuned_on.append({r.text for r in rows})
        return real_tune(start, rows, *args, **kwargs)

    monkeypatch.setattr(complaint_tuning, "tune", recording_tune)
    measured = complaint_set()
    watch = [Example(t, "kote", None, False, int(t in COMPLAINTS)) for t in COMPLAINTS[8:] + FINE[8:]]
    result = cross_validate(top, measured, first_stage(), states, CONFIG, log=lambda _: None, watch=watch)
    fold = fold_of(len(measured), CONFIG.seed)
    assert len(tuned_on) == 6  # five folds, then every fold for the model that ships
    for k in range(5):
        left_out = {measured[i].text for i in np.flatnonzero(fold == k)}
        assert left_out and not left_out & tuned_on[k]
    assert {r.text for r in measured} <= tuned_on[5]
    assert result.out_of_fold.shape == (20,) and len(result.info["fold_macro_f1"]) == 5
    assert result.info["macro_f1"] >= 0.7  # the tiny encoder learns the words from the other folds
    assert all(torch.equal(before[k], v) for k, v in trained_state(top).items())  # the start is left alone
    assert any(not torch.equal(before[k], v) for k, v in trained_state(result.top).items() if "lora_" in k)
    assert stored_out_of_fold({"complaint_tuning": result.info}, measured) is not None
    assert result.info["head"] in ("joint", "refit") and result.info["watch_rows"] == 4
    assert result.top.complaint is not top.complaint


def test_the_head_that_ships_is_the_best_measured_unless_the_other_languages_suffer() -> None:
    assert choose_head({"joint": 0.85, "refit": 0.82}, {"joint": 0.80, "refit": 0.81}) == "joint"
    assert choose_head({"joint": 0.85, "refit": 0.82}, {"joint": 0.70, "refit": 0.81}) == "refit"
    assert choose_head({"joint": 0.80, "refit": 0.82}, {"joint": 0.0, "refit": 0.0}) == "refit"  # no watch rows


def test_a_resumed_run_reuses_the_finished_folds(setup: tuple[TopModel, dict[str, torch.Tensor]], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    top, states = setup
    first = cross_validate(top, complaint_set(), first_stage(), states, CONFIG, tmp_path, log=lambda _: None)

    def no_tuning(*_: Any, **__: Any) -> TopModel:
        raise AssertionError("a finished fold was tuned again")

    monkeypatch.setattr(complaint_tuning, "tune", no_tuning)
    lines: list[str] = []
    again = cross_validate(top, complaint_set(), first_stage(), states, CONFIG, tmp_path, resume=True,
                           log=lines.append)
    assert sum(line.endswith("from its checkpoint") for line in lines) == 5
    assert np.array_equal(first.out_of_fold, again.out_of_fold)
    assert all(torch.equal(v, trained_state(again.top)[k]) for k, v in trained_state(first.top).items())


def test_stored_figures_are_used_only_for_the_set_they_were_measured_on() -> None:
    measured = complaint_set()
    info = {"out_of_fold": [0.5] * 20, "texts_digest": complaint_tuning.texts_digest(measured)}
    assert stored_out_of_fold({"complaint_tuning": info}, measured) is not None
    assert stored_out_of_fold({"complaint_tuning": info}, measured[::-1]) is None  # another order: other rows
    assert stored_out_of_fold({"complaint_tuning": info}, measured[:10]) is None
    assert stored_out_of_fold({}, measured) is None  # a model not tuned on the complaint set


def _sentiment_drift(start: TopModel, tuned: TopModel, texts: list[str], states: dict[str, torch.Tensor]) -> float:
    """Mean KL divergence of the tuned model's sentiment from the starting model's, over ``texts``."""
    x = [states[t] for t in texts]
    before = torch.log_softmax(torch.from_numpy(logits_of(start.sentiment, embed_rows(start, x))), dim=1)
    after = torch.log_softmax(torch.from_numpy(logits_of(tuned.sentiment, embed_rows(tuned, x))), dim=1)
    return float(torch.nn.functional.kl_div(after, before, log_target=True, reduction="batchmean"))


def test_distillation_keeps_the_first_stages_sentiment(setup: tuple[TopModel, dict[str, torch.Tensor]]) -> None:
    top, states = setup
    rows = complaint_set() + first_stage()
    plain = complaint_tuning.tune(top, rows, states, CONFIG, log=lambda _: None)
    kept = complaint_tuning.tune(top, rows, states, replace(CONFIG, distill=5.0), log=lambda _: None)
    texts = [r.text for r in complaint_set()]  # no sentiment label: only distillation holds their sentiment
    assert _sentiment_drift(top, kept, texts, states) < 0.5 * _sentiment_drift(top, plain, texts, states)
