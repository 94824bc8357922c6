"""An optional local sentence encoder for the matcher: a folder with an ONNX model and its tokenizer.

The folder holds ``model.onnx`` (inputs ``input_ids`` and ``attention_mask``, optionally
``token_type_ids``; first output the token embeddings, batch × tokens × dimensions, or a pooled
batch × dimensions) and ``tokenizer.json`` (a Hugging Face *tokenizers* file). Embeddings are the
mask-weighted mean of the token embeddings, scaled to unit length, so a dot product is the cosine.
Needs ``pip install kechuang[model]`` (onnxruntime and tokenizers); nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kechuang.errors import KechuangError

BATCH = 32
MAX_TOKENS = 256


class ModelError(KechuangError):
    """The configured model folder cannot be used; the message says why and what is expected."""


class OnnxEncoder:
    """Encodes texts with a local ONNX sentence encoder."""

    def __init__(self, folder: str | Path) -> None:
        path = Path(folder)
        model, tok = path / "model.onnx", path / "tokenizer.json"
        missing = [p.name for p in (model, tok) if not p.is_file()]
        if missing:
            raise ModelError(
                f"文本模型目录 {path} 缺少 {', '.join(missing)} / model folder lacks {', '.join(missing)}"
            )
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError:
            raise ModelError(
                "使用文本模型需要安装 onnxruntime 与 tokenizers：pip install kechuang[model] / "
                "the text model needs onnxruntime and tokenizers"
            ) from None
        self.name = path.name
        self._tokenizer: Any = Tokenizer.from_file(str(tok))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        self._session: Any = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text."""
        rows = [self._batch(list(texts[i : i + BATCH])) for i in range(0, len(texts), BATCH)]
        return np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    def _batch(self, texts: list[str]) -> np.ndarray:
        enc = self._tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in enc], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        out = np.asarray(self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0])
        if out.ndim == 3:
            weights = mask[:, :, None].astype(np.float32)
            out = (out * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)


def load_encoder(folder: str) -> OnnxEncoder | None:
    """The configured encoder, or None when no folder is configured."""
    return OnnxEncoder(folder) if folder else None
