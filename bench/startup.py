"""Cold start: ``vnqa --help`` and a first ``vnqa ask`` as a user runs them, in new processes.

Each command runs ``--runs`` times; the figure is the median wall time. The baseline is the
bare interpreter (``python -c pass``) measured in the same run, so the ratio shows what
vnqa adds to starting Python.

Usage: python bench/startup.py --data-dir STORE [--runs N] [--model-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

QUESTION = "Ai là Bí thư Huyện ủy Thạch Thất?"


def wall(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall seconds of ``cmd`` (which must succeed)."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    env["VNQA_DATA_DIR"] = str(args.data_dir)
    if args.model_dir:
        env["VNQA_MODEL_DIR"] = str(args.model_dir)
    vnqa = [sys.executable, "-m", "bot.frontends.cli"]
    python_s = wall([sys.executable, "-c", "pass"], env, args.runs)
    help_s = wall([*vnqa, "--help"], env, args.runs)
    ask_s = wall([*vnqa, "ask", "--json", QUESTION], env, max(1, args.runs // 2))
    answer = subprocess.run(
        [*vnqa, "ask", "--json", QUESTION], env=env, capture_output=True, text=True, check=True
    )
    question_ms = json.loads(answer.stdout)["timings_ms"].get("total")
    figures = {
        "store": str(args.data_dir),
        "bare_python_s": round(python_s, 3),
        "vnqa_help_s": round(help_s, 3),
        "help_vs_bare_python": f"{help_s / python_s:.1f}x",
        "cold_ask_s": round(ask_s, 2),
        "of_which_the_question_ms": question_ms,
    }
    for key, value in figures.items():
        print(f"{key:26} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
