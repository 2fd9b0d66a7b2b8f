"""A multi-label topic head on the scoring embedding: one logistic output per shipped topic, one encoder pass.

Trained on the project's written training shares (the topic set in en/ja/ko/zh and the customer messages), never on
their test-only shares. Each topic's threshold is the one that gives the best F1 on out-of-fold probabilities
(``FOLDS``-fold cross-validation on the training share), since topics differ in how separable they are.

The head knows the shipped topics only; a workspace's own topics keep the keywords and the example-sentence
prototypes (sentiment.topics), and a topic the workspace switched off is dropped by detect_topics.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sentiment.heads import LinearHead, detached
from sentiment.storage import save_atomically

FOLDS = 5
L2 = 1e-3
STEPS = 400
THRESHOLDS = np.round(np.arange(0.2, 0.96, 0.05), 2)


@dataclass(frozen=True)
class TopicHead:
    head: LinearHead
    names: tuple[str, ...]
    thresholds: np.ndarray  # per topic

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return torch.sigmoid(self.head(torch.from_numpy(x))).numpy()

    def topics(self, x: np.ndarray) -> list[tuple[str, ...]]:
        hits = self.probabilities(x) >= self.thresholds
        return [tuple(n for n, hit in zip(self.names, row, strict=True) if hit) for row in hits]

    def state(self) -> dict[str, Any]:
        return {"head": detached(self.head.state_dict()),
                "names": list(self.names), "thresholds": [float(t) for t in self.thresholds]}


def from_state(state: dict[str, Any]) -> TopicHead:
    weight = state["head"]["linear.weight"]
    head = LinearHead(weight.shape[1], weight.shape[0])
    head.load_state_dict(state["head"])
    return TopicHead(head.eval(), tuple(state["names"]), np.array(state["thresholds"], dtype=np.float32))


def load(source: Path | dict[str, Any]) -> TopicHead | None:
    """The topic head saved with the heads (a path, or the payload heads.read_heads_file read); None for a model
    trained before it existed."""
    from sentiment.heads import read_heads_file

    state = read_heads_file(source).get("topics")
    return from_state(state) if state else None


def training_rows() -> tuple[list[str], np.ndarray, tuple[str, ...]]:
    """Texts, their 0/1 topic matrix and the topic names, from the written training shares."""
    from sentiment.written_sets import customer_messages, topic_keys, topic_set

    names = topic_keys()
    rows = [(r.text, r.topics) for r in topic_set("train")] + [(r.text, r.topics) for r in customer_messages("train")]
    y = np.array([[name in topics for name in names] for _, topics in rows], dtype=np.float32)
    return [text for text, _ in rows], y, names


def fit_logistic(x: np.ndarray, y: np.ndarray, seed: int) -> LinearHead:
    """One-vs-rest logistic regression (full batch, Adam), each topic's positives weighted to balance its negatives."""
    torch.manual_seed(seed)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    positives = yt.sum(0).clamp(min=1.0)
    pos_weight = ((len(yt) - positives) / positives).clamp(max=10.0)
    head = LinearHead(x.shape[1], y.shape[1])
    head.center.copy_(xt.mean(0))
    head.scale.copy_(xt.std(0) + 1e-6)
    opt = torch.optim.Adam(head.parameters(), lr=0.02)
    for _ in range(STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(head(xt), yt, pos_weight=pos_weight)
        (loss + L2 * head.linear.weight.pow(2).sum()).backward()  # type: ignore[no-untyped-call]
        opt.step()
    return head.eval()


def fit(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], seed: int = 13) -> TopicHead:
    """The head on every row, with per-topic thresholds chosen on out-of-fold probabilities."""
    fold = np.random.default_rng(seed).permutation(len(x)) % FOLDS
    out_of_fold = np.zeros_like(y)
    for k in range(FOLDS):
        head = fit_logistic(x[fold != k], y[fold != k], seed)
        with torch.inference_mode():
            out_of_fold[fold == k] = torch.sigmoid(head(torch.from_numpy(x[fold == k]))).numpy()
    thresholds = np.array([_best_threshold(out_of_fold[:, j], y[:, j]) for j in range(y.shape[1])], dtype=np.float32)
    return TopicHead(fit_logistic(x, y, seed), names, thresholds)


def _best_threshold(prob: np.ndarray, gold: np.ndarray) -> float:
    def f1(t: float) -> float:
        pred = prob >= t
        tp = float((pred & (gold > 0)).sum())
        return 2 * tp / max(1.0, float(pred.sum() + (gold > 0).sum()))

    return float(max(THRESHOLDS, key=f1))


def add_to(heads_path: Path, seed: int = 13) -> TopicHead:
    """Fit the topic head on the shared embedding of the model saved at ``heads_path`` and store it in that file."""
    from sentiment.heads import read_heads_file
    from sentiment.model import E5HeadsModel
    from settings import get_settings

    model = E5HeadsModel(get_settings().model_cache_dir, heads_path)
    texts, y, names = training_rows()
    fitted = fit(model.shared_vectors(texts), y, names, seed)  # as training fits it (train._topic_head)
    payload = read_heads_file(heads_path)
    payload["topics"] = fitted.state()
    save_atomically(payload, heads_path)
    return fitted


if __name__ == "__main__":
    import sys

    from sentiment.model import HEADS_PATH

    fitted = add_to(Path(sys.argv[1]) if len(sys.argv) > 1 else HEADS_PATH)
    print("topic head:", dict(zip(fitted.names, fitted.thresholds.round(2).tolist(), strict=True)))
