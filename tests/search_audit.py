"""Search at scale: the index's size and the time from opening search to the first results on a
throttled phone. `python tests/audit.py search [--site DIR]` prints them (reported, not gated; the
tests gate the index size, tests/test_search.py INDEX_BUDGET_BYTES).

The time is measured in Chromium emulating a phone (390×844, touch) with the CPU slowed 4× through
the DevTools protocol (Emulation.setCPUThrottlingRate, as Lighthouse's mobile profile), the site
served locally with gzip: from the tap on the magnifier to the first result drawn, which includes
downloading and parsing the index, building lunr's index in the worker and the first query.
The median of RUNS fresh pages is reported.
"""

from __future__ import annotations

import gzip
import json
import statistics
from pathlib import Path

INDEX = "search/search_index.json"
CPU_SLOWDOWN = 4
RUNS = 3
PAGE = "qa/training/"
QUERY = "梯度下降"


def index_size(site: Path) -> dict:
    raw = (site / INDEX).read_bytes()
    data = json.loads(raw)
    return {"bytes": len(raw), "gzip": len(gzip.compress(raw, 9)), "docs": len(data["docs"]),
            "pages": len({doc["location"].split("#")[0] for doc in data["docs"]})}


def first_results_ms(site: Path, runs: int = RUNS) -> list[tuple[float, float]]:
    """Per run: (ms to the index downloaded, ms to the first results), from the tap."""
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, CHROMIUM_ARGS, serve

    base, stop = serve(site)
    times = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
                page = context.new_page()
                context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
                page.goto(base + PAGE, wait_until="networkidle")
                page.evaluate("""() => new MutationObserver((_, observer) => {
                    const meta = document.querySelector('.md-search-result__meta');
                    if (document.querySelector('li.md-search-result__item') && /\\d/.test(meta.textContent)) {
                        window.firstResults = performance.now();
                        observer.disconnect();
                    }
                }).observe(document.querySelector('.md-search-result'), {childList: true, subtree: true, characterData: true})""")
                start = page.evaluate("performance.now()")
                page.tap("label.md-header__button[for='__search']")
                box = page.locator("input.md-search__input")
                box.fill(QUERY)
                box.press("End")
                page.wait_for_function("() => window.firstResults !== undefined", timeout=60_000)
                fetched = page.evaluate("""() => performance.getEntriesByType('resource')
                    .find(entry => entry.name.endsWith('search_index.json')).responseEnd""")
                times.append((fetched - start, page.evaluate("window.firstResults") - start))
                context.close()
            browser.close()
    finally:
        stop()
    return times


def report(site: Path) -> str:
    size = index_size(site)
    runs = first_results_ms(site)
    times = [results for _, results in runs]
    return (f"search index: {size['gzip'] / 1024:.1f} KB gzipped ({size['bytes'] / 1024:.0f} KB raw), "
            f"{size['docs']} sections of {size['pages']} pages; opening search to first results "
            f"({CPU_SLOWDOWN}× CPU slowdown, phone): median {statistics.median(times):.0f} ms "
            f"({', '.join(f'{t:.0f}' for t in times)}); index downloaded after "
            f"{', '.join(f'{f:.0f}' for f, _ in runs)} ms")
