"""fine_tune on a tiny random BERT: it learns, keeps the best epoch, leaves the encoder's own weights alone, and a
run killed part-way resumes from its checkpoint to the very model an uninterrupted run trains."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
import torch

from sentiment.finetune import FineTuneConfig, Rows, TopModel, distillation_loss, embed_rows, fine_tune, lower_states
from sentiment.heads import LinearHead

POSITIVE = ["good", "great fun", "nice one", "so good", "love it", "great", "nice", "good stuff"]
NEGATIVE = ["bad", "awful", "broken box", "so bad", "hate it", "late", "bad stuff", "awful box"]
CONFIG = FineTuneConfig(top_layers=3, rank=4, alpha=8.0, dropout=0.0, epochs=8, min_gain=0.0, lr=3e-2,
                        head_lr=5e-2, batch_size=4, bf16=False, evaluations_per_epoch=1)


@pytest.fixture
def rows(tiny_bert: Callable[[], Any], char_tokens: Any) -> Rows:
    states = lower_states(tiny_bert(), char_tokens, POSITIVE + NEGATIVE, split=0, prefix="", max_tokens=32)
    n = len(POSITIVE)
    sentiment = np.array([2] * n + [0] * n, dtype=np.int64)
    complaint = np.array([0] * n + [1] * n, dtype=np.int64)
    ones = np.ones(2 * n, dtype=np.float32)
    return Rows(states, sentiment, np.zeros(2 * n, dtype=bool), complaint, ones, ones)


def accuracy(rows: Rows) -> Callable[[TopModel], float]:
    def validate(top: TopModel) -> float:
        with torch.inference_mode():
            predicted = top.sentiment(torch.from_numpy(embed_rows(top, rows.states))).argmax(1).numpy()
        return float((predicted == rows.sentiment).mean())

    return validate


def heads() -> tuple[LinearHead, LinearHead]:
    torch.manual_seed(1)
    return LinearHead(16, 3), LinearHead(16, 1)


def test_fine_tuning_learns_and_keeps_the_best_epoch(tiny_bert: Callable[[], Any], rows: Rows) -> None:
    encoder = tiny_bert()
    before = copy.deepcopy(encoder.state_dict())
    top, info = fine_tune(encoder, *heads(), rows, CONFIG, accuracy(rows), log=lambda _: None)
    start = accuracy(rows)(TopModel(copy.deepcopy(encoder.encoder.layer), *heads()))
    assert [h["epoch"] for h in info["history"]] == list(range(1, 9)) and info["split_layer"] == 0
    assert info["best_validation"] == max(h["validation"] for h in info["history"]) > start
    assert info["best_validation"] >= 0.9 and info["best_epoch"] >= 1
    assert accuracy(rows)(top) == info["best_validation"]  # the kept weights are the best epoch's, not the last
    assert all(torch.equal(before[k], v) for k, v in encoder.state_dict().items())  # trained a copy


def test_an_epoch_must_beat_the_best_by_min_gain(tiny_bert: Callable[[], Any], rows: Rows) -> None:
    sentiment, complaint = heads()
    initial = copy.deepcopy(sentiment.state_dict())
    top, info = fine_tune(tiny_bert(), sentiment, complaint, rows, replace(CONFIG, epochs=1, min_gain=2.0),
                          accuracy(rows), log=lambda _: None)
    assert info["best_epoch"] == 0 and len(info["history"]) == 1
    assert all(torch.equal(initial[k], v) for k, v in top.sentiment.state_dict().items())
    lora_b = [p for n, p in top.layers.named_parameters() if "lora_B" in n]
    assert lora_b and all(float(p.detach().abs().max()) == 0 for p in lora_b)


class Killed(Exception):
    pass


def killed_at(call: int, validate: Callable[[TopModel], float]) -> Callable[[TopModel], float]:
    """``validate`` that kills the run at its ``call``-th use (the 1st is the heads-only score before training)."""
    calls = iter(range(1, 1000))

    def dying(top: TopModel) -> float:
        if next(calls) == call:
            raise Killed
        return validate(top)

    return dying


def test_a_killed_run_resumes_to_the_same_model(tiny_bert: Callable[[], Any], rows: Rows, tmp_path: Any) -> None:
    config = replace(CONFIG, epochs=2, evaluations_per_epoch=2, dropout=0.1)
    whole, whole_info = fine_tune(tiny_bert(), *heads(), rows, config, accuracy(rows), log=lambda _: None)
    checkpoint = tmp_path / "run" / "checkpoint.pt"
    with pytest.raises(Killed):  # dies at the 3rd evaluation: epoch 1 is checkpointed, half of epoch 2 is lost
        fine_tune(tiny_bert(), *heads(), rows, config, killed_at(4, accuracy(rows)), log=lambda _: None,
                  checkpoint=checkpoint, checkpoint_seconds=1e9)
    lines: list[str] = []
    resumed, info = fine_tune(tiny_bert(), *heads(), rows, config, accuracy(rows), log=lines.append,
                              checkpoint=checkpoint, resume=True)
    assert any(line.startswith("resuming at epoch 2, batch 0") for line in lines)
    assert [h["epoch"] for h in info["history"]] == [0.5, 1.0, 1.5, 2.0] == [h["epoch"] for h in whole_info["history"]]
    for key, value in whole.state_dict().items():
        assert torch.allclose(value, resumed.state_dict()[key], atol=1e-6), key


def test_a_checkpoint_of_other_settings_is_refused(tiny_bert: Callable[[], Any], rows: Rows, tmp_path: Any) -> None:
    from sentiment.finetune import CheckpointMismatch

    checkpoint = tmp_path / "checkpoint.pt"
    fine_tune(tiny_bert(), *heads(), rows, replace(CONFIG, epochs=1), accuracy(rows), log=lambda _: None,
              checkpoint=checkpoint)
    with pytest.raises(CheckpointMismatch, match="another run"):
        fine_tune(tiny_bert(), *heads(), rows, replace(CONFIG, epochs=1, lr=1e-3), accuracy(rows),
                  log=lambda _: None, checkpoint=checkpoint, resume=True)


def test_distillation_loss_is_zero_at_the_teacher_and_pulls_towards_it() -> None:
    teacher = torch.tensor([[2.0, 0.0, -1.0], [-1.0, 0.5, 1.5]])
    assert float(distillation_loss(teacher.clone(), teacher, 2.0)) == pytest.approx(0.0, abs=1e-6)
    student = torch.zeros(2, 3, requires_grad=True)
    loss = distillation_loss(student, teacher, 2.0)
    loss.backward()  # type: ignore[no-untyped-call]
    assert float(loss.detach()) > 0
    step = student.detach() - student.grad  # type: ignore[operator]
    assert float(distillation_loss(step, teacher, 2.0)) < float(loss.detach())


def test_a_run_can_start_from_an_adapter_and_leave_the_heads_alone(tiny_bert: Callable[[], Any], rows: Rows) -> None:
    """start_adapter is where the adapter starts (epoch 0 scores the started model); train_heads=False trains the
    adapter alone, so the heads come back as they went in."""
    from sentiment.lora import adapter_state

    encoder = tiny_bert()
    first, _ = fine_tune(encoder, *heads(), rows, replace(CONFIG, epochs=2), accuracy(rows), log=lambda _: None)
    start = adapter_state(first.layers)
    sentiment, complaint = copy.deepcopy(first.sentiment), copy.deepcopy(first.complaint)
    before = {k: v.clone() for k, v in [*sentiment.state_dict().items(), *complaint.state_dict().items()]}
    scores: list[float] = []

    def later_is_better(top: TopModel) -> float:  # the started model's accuracy first, so the trained one is kept
        scores.append(accuracy(rows)(top) if not scores else float(len(scores)))
        return scores[-1]

    top, _ = fine_tune(encoder, sentiment, complaint, rows, replace(CONFIG, epochs=1), later_is_better,
                       log=lambda _: None, start_adapter=start, train_heads=False)
    assert scores[0] == accuracy(rows)(first)  # epoch 0 is the started model
    after = {k: v for k, v in [*top.sentiment.state_dict().items(), *top.complaint.state_dict().items()]}
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert any(not torch.equal(v, start[k].to(v.dtype)) for k, v in adapter_state(top.layers).items())


def test_rows_without_a_teacher_learn_from_their_labels_alone(tiny_bert: Callable[[], Any], rows: Rows) -> None:
    """A NaN teacher row adds nothing to the distillation term: with every row's teacher NaN the loss is the
    labels' alone; with some rows taught, the term is those rows' mean times their share of the batch."""
    from sentiment.finetune import _batch_loss
    from sentiment.lora import add_lora

    torch.manual_seed(0)
    layers = copy.deepcopy(tiny_bert().encoder.layer)
    add_lora(layers, 4, 8.0)
    top = TopModel(layers, *heads()).eval()
    idx = list(range(len(rows.states)))
    plain = float(_batch_loss(top, rows, idx))
    nan = np.full((len(idx), 3), np.nan, dtype=np.float32)
    assert float(_batch_loss(top, replace(rows, teacher=nan, distill_weight=1.0), idx)) == pytest.approx(plain)
    teacher = nan.copy()
    teacher[:4] = [5.0, 0.0, -5.0]
    with torch.inference_mode():
        hidden = [rows.states[i] for i in idx[:4]]
        from sentiment.finetune import pad

        h, m = pad(hidden)
        logits = top(h, m)[0]
    term = float(distillation_loss(logits, torch.from_numpy(teacher[:4]), 2.0)) * 4 / len(idx)
    taught = float(_batch_loss(top, replace(rows, teacher=teacher, distill_weight=1.0), idx))
    assert taught == pytest.approx(plain + term, rel=1e-5)
