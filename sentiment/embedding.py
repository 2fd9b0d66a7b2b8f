"""Batched e5 embeddings (mean pooling, L2 norm, e5 prefix) with optional per-word logit shares.

e5's model card asks for the "query: " prefix when embeddings are used as classification features.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sentiment.encoder import QUERY_PREFIX
from sentiment.scoring import WordWeights

if TYPE_CHECKING:
    import torch

MAX_TOKENS = 128
PRECISIONS = ("fp32", "bf16", "int8")


@dataclass(frozen=True)
class Embedded:
    vectors: np.ndarray  # (n, dim) float32, L2-normalised
    words: list[WordWeights] | None


def length_batches(lengths: list[int], batch_size: int, max_tokens: int | None = None) -> Iterator[list[int]]:
    """Indices grouped so each batch holds items of similar length (little padding): token counts where the
    texts are tokenised first, else characters. At most ``batch_size`` items a batch and, with ``max_tokens``, at
    most that many padded tokens (a longer item still gets a batch of its own): many short texts go in one batch,
    few long ones (a CPU multiplies a tall matrix faster per row than a short one: bench/scoring.py)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batch: list[int] = []
    for i in order:
        if batch and _full(len(batch), lengths[i], batch_size, max_tokens):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def _full(count: int, next_length: int, batch_size: int, max_tokens: int | None) -> bool:
    """Whether a batch of ``count`` items cannot take one more of ``next_length`` (the longest so far)."""
    return count >= batch_size or (max_tokens is not None and (count + 1) * next_length > max_tokens)


class Embedder:
    """The encoder, optionally with a LoRA adapter merged in, in float32, bfloat16 or with int8 attention
    projections; optionally with a language's own adapter, merged into its own copy of the encoder's layers (the
    token embeddings are shared), which that language's texts go through instead."""

    def __init__(self, folder: Path, precision: str = "fp32", prefix: str = QUERY_PREFIX,
                 adapter: dict[str, Any] | None = None, alpha: float = 0.0, max_tokens: int = MAX_TOKENS,
                 language_adapters: dict[str, dict[str, Any]] | None = None) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
        from transformers import AutoTokenizer, BertModel
        from transformers.utils import logging

        # Otherwise every load prints a "Loading weights" bar into CLI output and worker logs.
        logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        model = BertModel.from_pretrained(folder, add_pooling_layer=False).eval()  # type: ignore[no-untyped-call]
        own_adapters = language_adapters or {}
        # Copied before the shared adapter is merged: a language's adapter was trained from the plain layers too.
        twins = {language: _sharing_embeddings(model, own) for language, own in own_adapters.items()}
        self.model: Any = _prepared(model, adapter, alpha, precision)
        self.routes: dict[str, Any] = {language: _prepared(twin, own_adapters[language], alpha, precision)
                                       for language, twin in twins.items()}
        self.dim = int(model.config.hidden_size)
        self.prefix = prefix
        self.max_tokens = max_tokens

    def embed(self, texts: list[str], batch_size: int = 32, directions: np.ndarray | None = None,
              batch_tokens: int | None = None, languages: list[str] | None = None) -> Embedded:
        """Embed texts; with ``directions`` (dim, k) also return each word's contribution along them; batches of at
        most ``batch_size`` texts and, with ``batch_tokens``, at most that many padded tokens. A text whose language
        (``languages``, else detected) has its own layers goes through them."""
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        words: list[WordWeights | None] = [None] * len(texts)
        # Tokenised once, then batched by token count: batches by characters mixed 60-character English
        # (~15 tokens) with 60-character Japanese (~40) and spent a third of the work on padding.
        encoded = self.tokenizer([self.prefix + t for t in texts], truncation=True, max_length=self.max_tokens,
                                 return_offsets_mapping=True)
        token_ids, offsets = encoded["input_ids"], encoded["offset_mapping"]
        for model, group in self._route_groups(texts, languages):
            for idx in length_batches([len(token_ids[i]) for i in group], batch_size, batch_tokens):
                rows = [group[k] for k in idx]
                self._embed_batch(model, rows, texts, token_ids, offsets, directions, vectors, words)
        return Embedded(vectors, None if directions is None else [w for w in words if w is not None])

    def _route_groups(self, texts: list[str], languages: list[str] | None) -> list[tuple[Any, list[int]]]:
        """(layers, indices of the texts that go through them), the shared layers first."""
        if not self.routes:
            return [(self.model, list(range(len(texts))))]
        if languages is None:
            from sentiment.language import detect_languages

            languages = detect_languages(texts)
        groups: dict[str | None, list[int]] = {None: []}
        for i, language in enumerate(languages):
            groups.setdefault(language if language in self.routes else None, []).append(i)
        return [(self.model if key is None else self.routes[key], idx) for key, idx in groups.items() if idx]

    def _embed_batch(self, model: Any, idx: list[int], texts: list[str], token_ids: list[list[int]],
                     offsets: list[list[tuple[int, int]]], directions: np.ndarray | None, vectors: np.ndarray,
                     words: list[WordWeights | None]) -> None:
        import torch

        with torch.inference_mode():
            input_ids, attention_mask = self._padded([token_ids[i] for i in idx])
            hidden = model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state.float()
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)  # pooled and projected in float32 above
            summed = (hidden * mask).sum(1)
            pooled = summed / mask.sum(1).clamp(min=1.0)
            vectors[idx] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
            if directions is not None:
                for row, i in enumerate(idx):
                    words[i] = _word_weights(texts[i], len(self.prefix), hidden[row], attention_mask[row],
                                             offsets[i], pooled[row], directions)

    def _padded(self, rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        import torch

        width = max(len(ids) for ids in rows)
        input_ids = torch.full((len(rows), width), int(self.tokenizer.pad_token_id), dtype=torch.long)
        attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
        for row, ids in enumerate(rows):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            attention_mask[row, : len(ids)] = 1
        return input_ids, attention_mask


def _sharing_embeddings(model: Any, adapter: dict[str, Any]) -> Any:
    """A view of ``model`` with its own copy of the transformer layers and the same token embeddings (most of the
    model's weights: 96M of 118M in e5-small)."""
    if not adapter:
        raise ValueError("a language's own layers need its adapter")
    twin = copy.copy(model)
    twin._modules = dict(model._modules)  # its own module table, so replacing its layers leaves the model's alone
    twin._modules["encoder"] = copy.deepcopy(model.encoder)
    return twin


def _prepared(model: Any, adapter: dict[str, Any] | None, alpha: float, precision: str) -> Any:
    """``model`` with ``adapter`` merged, in ``precision`` (in place)."""
    import torch

    if adapter:
        from sentiment.lora import merge_adapter

        merge_adapter(model, adapter, alpha)
    if precision == "bf16":
        model = model.to(torch.bfloat16)
    return quantize_attention(model) if precision == "int8" else model


def quantize_attention(model: Any) -> Any:
    """int8 dynamic quantisation of the attention projections (query, key, value, output) only: within a point on
    every held-out score, while the feed-forward layers' inputs carry 20-60x channel outliers that cost 3-4 points
    (experiments.json)."""
    import torch

    names = {name for name, module in model.named_modules()
             if isinstance(module, torch.nn.Linear) and ".attention." in name}
    with warnings.catch_warnings():  # torch.ao.quantization's deprecation notice, once per load
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            model, names, dtype=torch.qint8, inplace=True)  # inplace: no second float32 copy resident


def _word_weights(text: str, shift: int, hidden: torch.Tensor, mask: torch.Tensor, offsets: list[tuple[int, int]],
                  pooled: torch.Tensor, directions: np.ndarray) -> WordWeights:
    # The heads are linear in the normalised mean of token states, so token t adds
    # (h_t . d) / (n_tokens * |mean|) to a logit along direction d: an exact additive share.
    n_tokens = float(mask.sum())
    scale = 1.0 / (n_tokens * float(pooled.norm()) + 1e-12)
    proj = (hidden.numpy() @ directions) * scale
    spans: list[tuple[int, int]] = []
    shares: list[np.ndarray] = []
    for t, (start, end) in enumerate(offsets):
        if not mask[t] or end <= shift or end <= start:
            continue
        start, end = max(start - shift, 0), end - shift
        if spans and (start < spans[-1][1] or (start == spans[-1][1] and _joins(text, start))):
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            shares[-1] = shares[-1] + proj[t]
        else:
            spans.append((start, end))
            shares.append(proj[t].copy())
    words = tuple(text[a:b].strip() for a, b in spans)
    return WordWeights(words, tuple(tuple(float(x) for x in s) for s in shares))


def _joins(text: str, start: int) -> bool:
    """Abutting subword pieces form one word, except in kana/kanji text, which has no spaces to go by."""
    return start > 0 and not text[start].isspace() and not (_is_cjk(text[start - 1]) or _is_cjk(text[start]))


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
