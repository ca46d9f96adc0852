"""Fresh news through the real command: page URLs, followed feeds and sitemaps, and
``vnqa watch``, against a news site on a loopback port."""

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import DATA
from tests.fake_news_site import news_site, story

FAST = {"VNQA_WATCH_DELAY": "0", "VNQA_WATCH_TIMEOUT": "1", "VNQA_WATCH_RETRIES": "1"}


def _articles(run) -> dict[str, dict]:
    """The store's articles, by source, as ``vnqa ask --json`` cannot list them: via stats."""
    from ingest.store.catalog import Catalog

    index = next((Path(run.env["VNQA_DATA_DIR"]) / "index").glob("*.sqlite3"))
    catalog = Catalog(index, readonly=True)
    try:
        rows = catalog.db.execute("SELECT source, title, published, origin FROM articles")
        return {r[0]: {"title": r[1], "published": r[2], "origin": r[3]} for r in rows}
    finally:
        catalog.close()


def _consistent(run) -> None:
    check = run("stats", "--check", "--json", **FAST)
    assert check.returncode == 0 and json.loads(check.stdout)["consistency"]["ok"], check.stdout


def test_urls_and_files_are_ingested_in_one_run(run_fake) -> None:
    with news_site(3) as site:
        urls = [site.base + p for p in ("/tin/1.html", "/doc.pdf", "/private/a.html", "/loop")]
        result = run_fake("ingest", str(DATA / "pages"), *urls, "/no/such", **FAST)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "4 new" in result.stdout and "web pages: 1 fetched" in result.stdout
    for reason in ("not HTML (application/pdf)", "blocked by robots.txt", "more than 5 redirects",
                   "no such file or folder"):  # fmt: skip
        assert reason in result.stderr
    stored = _articles(run_fake)
    page = stored[site.base + "/tin/1.html"]
    assert page["title"] == story(1).title and page["published"].startswith("2024-03-01T09:00")
    _consistent(run_fake)


def test_two_polls_of_feeds_and_sitemaps(run_fake) -> None:
    with news_site(6) as site:
        for path in ("/feed.xml", "/atom.xml", "/sitemap_index.xml", "/"):
            added = run_fake("sources", "add", site.base + path, **FAST)
            assert added.returncode == 0 and "following" in added.stdout, added.stderr
        assert "not a feed" not in run_fake("sources", "add", site.base + "/feed.xml").stderr
        not_feed = run_fake("sources", "add", site.base + "/tin/1.html", **FAST)
        assert not_feed.returncode == 1 and "RSS feed or sitemap" in not_feed.stderr
        first = run_fake("watch", "--once", **FAST)
        assert first.returncode == 0, first.stderr
        assert "poll: 7 new" in first.stdout  # six stories and the page that failed once
        for reason in ("timed out", "too large", "redirects", "not HTML", "blocked by robots"):
            assert reason in first.stderr
        before = len(site.site.requests)
        second = run_fake("watch", "--once", **FAST)
        again = site.site.requests[before:]
    assert "poll: 0 new, 0 updated" in second.stdout and "7 not modified" in second.stdout
    pages = [h for p, h in again if p.startswith("/tin/")]
    assert pages and all("If-None-Match" in h for h in pages)  # conditional, every one
    assert not [p for p, _ in again if p in ("/doc.pdf", "/big.html", "/loop")]  # given up
    assert not site.asked("/private/secret.html")  # robots.txt was obeyed
    stored = _articles(run_fake)
    assert set(stored) == {site.base + f"/tin/{i}.html" for i in range(6)} | {
        site.base + "/flaky.html"
    }
    assert stored[site.base + "/tin/4.html"]["title"] == story(4).title
    stats = json.loads(run_fake("stats", "--json").stdout)
    followed = {s["url"]: s for s in stats["sources"]}
    assert followed[site.base + "/feed.xml"]["kind"] == "rss" and followed[site.base + "/"]
    assert sum(s["articles"] for s in followed.values()) == 7
    _consistent(run_fake)


def test_a_changed_article_is_updated_not_duplicated(run_fake) -> None:
    with news_site(3) as site:
        run_fake("sources", "add", site.base + "/atom.xml", **FAST)
        assert "3 new" in run_fake("watch", "--once", **FAST).stdout
        changed = site.site.stories["/tin/2.html"]
        changed.body = [*changed.body, "Đính chính: tuyến đường dài thêm 2 km."]
        result = run_fake("watch", "--once", **FAST)
    assert "0 new, 1 updated" in result.stdout and "2 not modified" in result.stdout
    assert len(_articles(run_fake)) == 3


def test_sources_are_listed_and_removed(run_fake) -> None:
    with news_site(2) as site:
        run_fake("sources", "add", site.base + "/feed.xml", **FAST)
        listed = json.loads(run_fake("sources", "list", "--json").stdout)
        assert [s["url"] for s in listed] == [site.base + "/feed.xml"]
        assert run_fake("sources", "remove", site.base + "/feed.xml").returncode == 0
        gone = run_fake("sources", "remove", site.base + "/feed.xml")
    assert gone.returncode == 1 and "is not followed" in gone.stderr
    bad = run_fake("sources", "add", "not-a-url")
    assert bad.returncode == 1 and "not an http(s) URL" in bad.stderr
    assert "no sources followed" in run_fake("watch", "--once").stderr


def _watch(env: dict, cwd: Path) -> subprocess.Popen:
    argv = [sys.executable, "-m", "bot.frontends.cli", "watch", "--once"]
    return subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


def test_a_watch_killed_at_any_point_is_completed_by_the_next_poll(run_fake, tmp_path) -> None:
    rng = random.Random(7)
    with news_site(40) as site:
        site.site.fail_once.clear()
        site.site.slow_seconds = 0.0
        feed = site.base + "/feed.xml"
        env = run_fake.env | FAST | {"VNQA_INGEST_BATCH": "4"}
        run_fake("sources", "add", feed, **FAST)
        for _ in range(6):
            watcher = _watch(env, tmp_path)
            time.sleep(rng.uniform(0.5, 4.0))
            watcher.send_signal(signal.SIGKILL)
            watcher.wait()
        assert run_fake("watch", "--once", **FAST).returncode == 0
        killed = _articles(run_fake)
        clean = run_fake.env | {"VNQA_DATA_DIR": str(tmp_path / "clean")}
        subprocess.run([sys.executable, "-m", "bot.frontends.cli", "sources", "add", feed],
                       env=clean | FAST, cwd=tmp_path, check=True, capture_output=True)  # fmt: skip
        subprocess.run([sys.executable, "-m", "bot.frontends.cli", "watch", "--once"],
                       env=clean | FAST, cwd=tmp_path, check=True, capture_output=True)  # fmt: skip
    assert set(killed) == set(_articles(_Run(clean)))
    _consistent(run_fake)


class _Run:
    """Just enough of the ``run`` fixture for ``_articles``."""

    def __init__(self, env: dict) -> None:
        self.env = env
