"""Where the span model runs: torch, or ONNX Runtime with int8 weights (about twice as fast
on these CPUs). The ONNX file is exported from the loaded torch model once, its matrix
products quantised per channel, and cached beside the other materialised models under a
name that changes with the weights."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

# (token ids, attention mask) -> (start logits, end logits), all [batch, tokens]
Network = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
FORMAT = "2"  # bump when the exported graph or its quantisation changes
NAMES = ("input_ids", "attention_mask", "start_logits", "end_logits")


def torch_network(model: Any) -> Network:
    """The torch model as a ``Network``."""
    import torch

    def run(ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode():
            out = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))
        return out.start_logits.float().numpy(), out.end_logits.float().numpy()

    return run


def onnx_file(cache: Path, weights: Path, base: Path) -> Path:
    """Where the int8 ONNX export of ``weights`` over ``base`` is cached."""
    h = hashlib.sha256(f"{FORMAT}|{base.resolve()}|".encode())
    h.update(weights.read_bytes())
    return cache / f"reader-{h.hexdigest()[:16]}.int8.onnx"


def onnx_network(model: Any, path: Path, threads: int) -> Network:
    """``model`` through ONNX Runtime, exported and quantised to ``path`` unless it is there."""
    import onnxruntime as ort

    if not path.is_file():
        export_int8(model, path)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: nothing on the terminal
    # Its threads would spin for work after each read, taking the cores from the next
    # question's embedding and search (measured: embed p50 46 -> 107 ms at 10k).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def run(ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        start, end = session.run(None, {"input_ids": ids, "attention_mask": mask})
        return start, end

    return run


def export_int8(model: Any, path: Path) -> None:
    """Export ``model`` to ONNX, quantise its weights to int8 and move the file to ``path``
    (built beside it, so that a crash leaves no half file where a reader would load it)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    path.parent.mkdir(parents=True, exist_ok=True)
    log.info("exporting the reader to %s (once)", path)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".reader-") as tmp:
        fp32, int8 = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        ids = torch.ones((2, 16), dtype=torch.long)
        axes = {0: "batch", 1: "tokens"}
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model,
                (ids, torch.ones_like(ids)),
                str(fp32),
                input_names=list(NAMES[:2]),
                output_names=list(NAMES[2:]),
                dynamic_axes=dict.fromkeys(NAMES, axes),
                opset_version=17,
                dynamo=False,
            )
            logging.disable(logging.WARNING)  # its advice to pre-process, on the root logger
            try:
                quantize_dynamic(
                    str(fp32),
                    str(int8),
                    weight_type=QuantType.QInt8,
                    op_types_to_quantize=["MatMul"],  # the embeddings stay float
                    per_channel=True,  # a scale per output column: 1 F1 point better
                )
            finally:
                logging.disable(logging.NOTSET)
        int8.replace(path)
