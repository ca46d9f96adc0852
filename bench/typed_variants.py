"""Write an eval set's questions as users type them on a phone, for ``vnqa eval``.

    python bench/typed_variants.py EVAL.jsonl OUT_DIR

writes OUT_DIR/<name>_lower.jsonl (lower case), <name>_plain.jsonl (no diacritics, capitals
kept), <name>_plain_lower.jsonl (both), <name>_upper.jsonl (caps lock on) and
<name>_title.jsonl (Every Word Capitalised); every other field of each row is kept as it is.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from ingest.text.textnorm import strip_diacritics

VARIANTS: dict[str, Callable[[str], str]] = {
    "lower": str.lower,
    "plain": strip_diacritics,
    "plain_lower": lambda q: strip_diacritics(q).lower(),
    "upper": str.upper,
    "title": str.title,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_set", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.eval_set.read_text("utf-8").splitlines() if line]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, typed in VARIANTS.items():
        out = args.out_dir / f"{args.eval_set.stem}_{name}.jsonl"
        with out.open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row | {"question": typed(row["question"])}, ensure_ascii=False))
                f.write("\n")
        print(out, len(rows))


if __name__ == "__main__":
    main()
