"""What the audited pages weigh, how fast Lighthouse finds them, and the list of external links.

Used by tests/test_audit.py and tests/test_links.py, and runnable by hand:

    python tests/audit.py audit [--site DIR] [--runs N] [--pages a,b]   # the table of `make audit`
    python tests/audit.py links [--site DIR]   # every external link, with the pages using it (`make links`)
    python tests/audit.py buildtime            # full build vs a plain Material build of the same Markdown
    python tests/audit.py reload               # seconds from editing a page to `mkdocs serve` serving it
    python tests/audit.py search [--site DIR]  # search index size, time to first results (tests/search_audit.py)

Two kinds of figures, kept apart on purpose:

- What a page *weighs* (weigh(), checked against LIMITS by `make test`): the bytes the server sends
  while the page loads, the number of requests, the JavaScript it runs, the elements of its DOM. They
  are counted, not timed: the same build gives the same figures on any machine, under any load.
- How *fast* it is (Lighthouse's performance score, FCP, LCP, TBT: `make audit`, CI's audit job):
  timings, simulated from a trace of the host's own main thread, so they move with the host's speed
  and load. They are watched (median and spread of RUNS runs), never asserted.

Without --site, `audit` builds the site twice into a temporary folder, as the tests do: without
notebook outputs, and from the notebooks executed offline (tests/notebook_offline.py), whose pages
are audited too (with NOTEBOOKS_DIR set, once, from those executed copies). Lighthouse runs from tests/node_modules (`npm ci` in tests/), on Debian's
Chromium, emulating a phone, against the site served locally with gzip as GitHub Pages serves it.
Nothing here uses the network.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))
from conftest import CHROMIUM, CHROMIUM_ARGS, DEPLOY_ENV, ROOT, mkdocs_build, serve  # noqa: E402

LIGHTHOUSE = TESTS / "node_modules" / "lighthouse" / "cli" / "index.js"

# The pages every change is audited on: name -> path below the site root.
PAGES = {
    "home": "",
    "question": "qa/definition/",
    "glossary": "glossary/",
    "glossary-category": "glossary/models/",  # the heaviest category page (test_audit checks that)
    "mnist": "code/mnist/",
    "gpt2": "code/gpt2/",
    "chinese-clip": "code/chinese-clip/",
    "bank": "bank/",  # the 延伸题库's overview: every question with its labels
    "bank-question": "bank/encoders/clip/",  # the heaviest bank page (test_audit checks)
    "practice": "practice/",  # the 练习 page with its deck index and first group's cards
}
NOTEBOOK_PAGES = [name for name, path in PAGES.items() if path.startswith("code/") and path != "code/"]

# ---- what a page weighs: the deterministic budgets of `make test` -----------------------------


@dataclass(frozen=True)
class Weight:
    """What loading one page costs, counted. As a limit: the most a page may cost."""

    transfer_bytes: int  # bodies the server sends while the page loads (gzip for text), headers not counted
    requests: int  # responses the server sends (the page, its styles, scripts, worker, favicon, images)
    script_bytes: int  # JavaScript, uncompressed: the files loaded and the inline scripts
    dom_elements: int  # elements in the document once the page has loaded and Material has started

    def summary(self) -> str:
        return (f"{self.transfer_bytes / 1024:.1f} KB, {self.requests} requests, "
                f"{self.script_bytes / 1024:.1f} KB script, {self.dom_elements} elements")


MAX_TRANSFER_BYTES = 100 * 1024  # no page transfers more, whatever LIMITS say
KB = 1024
# The budget of each audited page: the figures measured on its build (notebook pages: the executed
# form, the heavier; the deploy publishes it) plus a small margin: 2 KB transferred (whole KB), 2 KB
# of script, no new request, 3 % more elements (to the next 10). Measured with weigh(), as the tests
# build (DEPLOY_ENV), when the limits were last set:
#                     transferred  requests  script      elements (plain; notebooks: plain, executed adds
#                                                            about 1.6 KB and 110 elements)
#   home              86.5 KB      8         161.8 KB    252
#   question          93.5 KB      9         172.2 KB    365   (自测: practice.js; tap-to-define and touch
#                                                              spacing: terms.js, 3.6 KB)
#   glossary          95.6 KB      7         158.4 KB    1592
#   glossary-category 92.9 KB      7         158.3 KB    830
#   mnist             95.8 KB      9         159.9 KB    1290
#   gpt2              95.0 KB      9         159.9 KB    923
#   chinese-clip      96.2 KB      9         159.9 KB    1563
#   bank              97.9 KB      8         159.9 KB    641
#   bank-question     99.9 KB      9         172.2 KB    1207  (the heaviest: bank/encoders/clip/)
#   practice          93.2 KB      10        168.7 KB    300   (the deck index and one group's cards)
# Of the script, 111.5 KB is Material's bundle, 40.9 KB its search worker, 1.1 KB the inline scripts.
# Why counts and not timings: under Lighthouse's simulated phone (4x slower CPU, 1.6 Mbit/s, 150 ms
# round trips) these pages' score is decided by main-thread work (TBT: the script run, and Material's
# start-up, whose style and layout work grows with the DOM) and by the bytes and round trips before
# the first paint. Each of those is counted here, the same on any machine. The margins are small next
# to a regression that costs points: a 60 KB script (test_audit plants one) misses three budgets. A
# page that needs more raises its limit here, in the same commit, with `make audit` showing its
# median performance.
LIMITS = {
    "home": Weight(transfer_bytes=88 * KB, requests=8, script_bytes=164 * KB, dom_elements=260),
    "question": Weight(transfer_bytes=95 * KB, requests=9, script_bytes=174 * KB, dom_elements=380),
    "glossary": Weight(transfer_bytes=97 * KB, requests=7, script_bytes=160 * KB, dom_elements=1640),
    "glossary-category": Weight(transfer_bytes=95 * KB, requests=7, script_bytes=160 * KB, dom_elements=860),
    "mnist": Weight(transfer_bytes=99 * KB, requests=9, script_bytes=162 * KB, dom_elements=1470),
    "gpt2": Weight(transfer_bytes=97 * KB, requests=9, script_bytes=162 * KB, dom_elements=1000),
    "chinese-clip": Weight(transfer_bytes=99 * KB, requests=9, script_bytes=162 * KB, dom_elements=1650),
    "bank": Weight(transfer_bytes=100 * KB, requests=8, script_bytes=162 * KB, dom_elements=670),
    "bank-question": Weight(transfer_bytes=100 * KB, requests=9, script_bytes=174 * KB, dom_elements=1250),
    "practice": Weight(transfer_bytes=95 * KB, requests=10, script_bytes=170 * KB, dom_elements=310),
}

# The phone Lighthouse emulates (its mobile default, a Moto G Power): the same screen decides which
# lazy images load.
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True, "has_touch": True}
INLINE_SCRIPT_BYTES = r"""() => [...document.scripts]
    .filter(s => !s.src && (!s.type || /^(text|application)\/(java|ecma)script$|^module$/i.test(s.type)))
    .reduce((n, s) => n + new TextEncoder().encode(s.textContent).length, 0)"""


def weigh(browser, site: Path, path: str) -> Weight:
    """Load one page of a built site in Chromium (a fresh phone profile, nothing cached) from a local
    gzip server that records what it sends; count the bytes, requests, script and elements."""
    sent = []
    base_url, stop = serve(site, sent)
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(base_url + path, wait_until="networkidle")
        # On a busy machine the network can fall idle while Material's bundle is still starting; it
        # then starts the search worker, and the 练习 page fetches its deck. Wait for those (states,
        # not a time), then for the network to be idle again.
        page.wait_for_function("() => typeof window.component$ !== 'undefined'")
        deadline = time.monotonic() + 60
        while not any("/workers/search." in s.file for s in sent) and time.monotonic() < deadline:
            page.wait_for_timeout(100)  # polling the server's log: the figure does not depend on it
        page.wait_for_function("""() => !document.querySelector('.practice')
            || !!document.querySelector('.practice-card[data-card]:not([data-card=""])')""")
        page.wait_for_load_state("networkidle")
        elements = page.evaluate("document.getElementsByTagName('*').length")
        inline = page.evaluate(INLINE_SCRIPT_BYTES)
    finally:
        context.close()
        stop()
    scripts = sum((site / s.file).stat().st_size for s in sent if s.file.endswith((".js", ".mjs")))
    return Weight(sum(s.body_bytes for s in sent), len(sent), scripts + inline, elements)


def weight_problems(weight: Weight, limit: Weight) -> list[str]:
    """Every figure of `weight` over its limit, in words; empty when the page keeps its budget."""
    problems = []
    checks = [
        ("transfers", weight.transfer_bytes, min(limit.transfer_bytes, MAX_TRANSFER_BYTES), "KB"),
        ("makes", weight.requests, limit.requests, "requests"),
        ("loads script of", weight.script_bytes, limit.script_bytes, "KB"),
        ("has", weight.dom_elements, limit.dom_elements, "elements"),
    ]
    for verb, value, most, unit in checks:
        if value > most:
            shown = (f"{value / KB:.1f} KB > {most / KB:.1f} KB" if unit == "KB" else f"{value} {unit} > {most}")
            problems.append(f"{verb} {shown}")
    return problems


def launch_browser():
    """(playwright, browser) outside pytest; stop with browser.close() and playwright.stop()."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    return playwright, playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# ---- Lighthouse -------------------------------------------------------------------------------

# Gated by `make test`, at 1.00: they judge the markup, not the machine's speed.
GATED = ("accessibility", "best-practices", "seo")
# Watched by `make audit`: median and spread of RUNS runs; WATCH marks a median under it.
RUNS = 5
WATCH = 0.95
METRICS = {"FCP": "first-contentful-paint", "LCP": "largest-contentful-paint", "TBT": "total-blocking-time"}


@dataclass
class Result:
    name: str
    url: str
    scores: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)  # METRICS, in ms
    failed_audits: dict[str, list[str]] = field(default_factory=dict)  # category -> audit ids (scores)
    error: str = ""
    benchmark_index: float = 0.0  # Lighthouse's measure of the host's CPU speed

    def problems(self) -> list[str]:
        """Every gated category under 1.00, in words, with its failing audits; empty when all pass."""
        if self.error:
            return [self.error]
        out = []
        for category in GATED:
            score = self.scores.get(category)
            if score is None or score < 1:
                failing = "; ".join(self.failed_audits.get(category, [])) or "-"
                out.append(f"{category} {score} < 1.00 (failing audits: {failing})")
        return out


def missing_pages(site: Path) -> list[str]:
    """Audited pages that the build did not produce."""
    return [path or "/" for path in PAGES.values() if not (site / path / "index.html").is_file()]


def lighthouse(name: str, url: str, out_dir: Path, categories=GATED, timeout: int = 240) -> Result:
    """One mobile Lighthouse run of a URL, at its default throttling; the JSON report is kept in out_dir."""
    result = Result(name, url)
    if not LIGHTHOUSE.is_file():
        result.error = f"Lighthouse is not installed at {LIGHTHOUSE} (run `npm ci` in tests/)"
        return result
    report = out_dir / f"{name}.report.json"
    flags = ["--headless=new", *CHROMIUM_ARGS, "--disable-dev-shm-usage"]
    command = [
        "node", str(LIGHTHOUSE), url,
        "--quiet", "--output=json", f"--output-path={report}",
        "--form-factor=mobile",
        f"--only-categories={','.join(categories)}",
        f"--chrome-flags={' '.join(flags)}",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    if run.returncode != 0 or not report.is_file():
        result.error = f"Lighthouse failed on {url}: {(run.stderr or run.stdout)[-2000:]}"
        return result
    data = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        result.error = f"Lighthouse could not load {url}: {data['runtimeError']}"
        return result
    audits = data["audits"]
    result.benchmark_index = float(data["environment"].get("benchmarkIndex") or 0)
    for category_id in categories:
        category = data["categories"][category_id]
        result.scores[category_id] = category["score"]
        result.failed_audits[category_id] = [
            f"{ref['id']} ({audits[ref['id']]['score']})" for ref in category["auditRefs"]
            if ref.get("weight", 0) > 0 and audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 1]
    for short, audit_id in METRICS.items():
        if audit_id in audits and audits[audit_id].get("numericValue") is not None:
            result.metrics[short] = float(audits[audit_id]["numericValue"])
    return result


# ---- make audit: the performance table ----------------------------------------------------------


@dataclass
class PageAudit:
    name: str
    url: str
    weight: Weight | None
    runs: list[Result]

    def errors(self) -> list[str]:
        return [run.error for run in self.runs if run.error]

    def figures(self, key: str) -> list[float]:
        """One figure of every successful run: "performance" or a METRICS name."""
        good = [run for run in self.runs if not run.error]
        return [run.scores["performance"] if key == "performance" else run.metrics[key] for run in good]


def spread(values: list[float], form: str) -> str:
    """ "median (min–max)", each value formatted with `form`."""
    if not values:
        return "-"
    median = statistics.median(values)
    if len(values) == 1:
        return format(median, form)
    return f"{median:{form}} ({min(values):{form}}–{max(values):{form}})"


def audit_site(site: Path, out_dir: Path, pages: dict[str, str], runs: int = RUNS, label: str = "",
               browser=None) -> list[PageAudit]:
    """Weigh each page, then run Lighthouse's performance category on it `runs` times, one run at a
    time (on a 2-core machine, parallel runs slow each other's main thread)."""
    own = browser is None
    if own:
        playwright, browser = launch_browser()
    try:
        audits = [PageAudit(label + name, "", weigh(browser, site, path), []) for name, path in pages.items()]
    finally:
        if own:
            browser.close()
            playwright.stop()
    base_url, stop = serve(site)
    try:
        for audit, path in zip(audits, pages.values()):
            audit.url = base_url + path
            for number in range(1, runs + 1):
                print(f"lighthouse {audit.name} run {number}/{runs} ...", file=sys.stderr, flush=True)
                audit.runs.append(lighthouse(f"{audit.name}.{number}", audit.url, out_dir, categories=("performance",)))
    finally:
        stop()
    return audits


def table(audits: list[PageAudit]) -> str:
    """Markdown: one row per page. Performance, FCP, LCP, TBT: median (min–max) of the runs; then the
    page's weight, and whether it keeps its LIMITS (what `make test` checks)."""
    head = ["page", "path", "performance", "FCP s", "LCP s", "TBT ms", "KB transferred", "requests",
            "script KB", "DOM elements", "budgets (make test)"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for a in audits:
        perf = a.figures("performance")
        cells = [a.name, urlsplit(a.url).path,
                 spread(perf, ".2f") + (f" **under {WATCH:.2f}**" if perf and statistics.median(perf) < WATCH else ""),
                 spread([v / 1000 for v in a.figures("FCP")], ".2f"),
                 spread([v / 1000 for v in a.figures("LCP")], ".2f"),
                 spread(a.figures("TBT"), ".0f")]
        if a.errors():
            cells[2] += f" ({len(a.errors())} runs failed)"
        w = a.weight
        limit = LIMITS.get(a.name.split(":")[-1])
        problems = weight_problems(w, limit) if limit else ["no limit"]
        cells += [f"{w.transfer_bytes / KB:.1f}", str(w.requests), f"{w.script_bytes / KB:.1f}", str(w.dom_elements),
                  "ok" if not problems else "MISSED: " + "; ".join(problems)]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


# ---- links -----------------------------------------------------------------------------------

class _Links(HTMLParser):
    """Collects ids and the URLs of href/src attributes of one HTML page."""

    URL_ATTRS = {"href", "src"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in self.URL_ATTRS:
                self.urls.append((tag, value))
            elif name == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.urls.append((tag, candidate.split()[0]))

    handle_startendtag = handle_starttag


def parse_page(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


SKIPPED_SCHEMES = ("mailto:", "javascript:", "data:", "tel:")


def site_url(site: Path) -> str:
    """The URL the site was built for: the home page's canonical link (MkDocs writes it from site_url)."""
    match = re.search(r'<link rel="canonical" href="([^"]+)"', (site / "index.html").read_text(encoding="utf-8"))
    return match.group(1) if match else ""


def site_path(url: str, page_url: str, base: str) -> str | None:
    """The path below the site root that `url` on the page at `page_url` points to; None if external.

    page_url is the page's own path below the root ("qa/definition/index.html"); base is the site URL.
    Relative, root-absolute and absolute URLs within the site URL are all internal.
    """
    base_path = urlsplit(base).path or "/"
    if base and url.startswith(base):
        url = "/" + url[len(base):]
    elif urlsplit(url).scheme or urlsplit(url).netloc:
        return None
    absolute = urljoin("/" + page_url, url)
    path, _, fragment = absolute.partition("#")
    path = path.split("?")[0]
    if path.startswith(base_path):
        path = "/" + path[len(base_path):]
    return path.lstrip("/") + ("#" + fragment if fragment else "")


def check_links(site: Path, base: str | None = None) -> list[str]:
    """Every internal href/src of every HTML page that does not resolve to a file (and, with a
    fragment, to an element id in that file), as "page: url (reason)"."""
    base = site_url(site) if base is None else base
    pages = {p.relative_to(site).as_posix(): parse_page(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for page, links in pages.items():
        for tag, url in links.urls:
            if not url or url.startswith(SKIPPED_SCHEMES):
                continue
            target = site_path(url, page, base)
            if target is None:
                continue
            path, _, fragment = target.partition("#")
            path = unquote(path)
            if path == "" or path.endswith("/"):
                path += "index.html"
            elif (site / path).is_dir():
                path += "/index.html"
            if not (site / path).is_file():
                problems.append(f"{page}: <{tag}> {url} (no file {path})")
                continue
            fragment = unquote(fragment)
            if fragment and path.endswith(".html") and fragment not in pages[path].ids:
                problems.append(f"{page}: <{tag}> {url} (no id '{fragment}' in {path})")
    return problems


def external_links(site: Path) -> dict[str, list[str]]:
    """Every external http(s) URL linked from the built site -> the pages (site paths) that link it."""
    base = site_url(site)
    found: dict[str, set[str]] = {}
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        for tag, url in parse_page(page).urls:
            if url.startswith(("http://", "https://")) and site_path(url, rel, base) is None:
                found.setdefault(url, set()).add("/" + rel)
    return {url: sorted(pages) for url, pages in sorted(found.items())}


# ---- build time and serve reload ----------------------------------------------------------------

PLAIN_CONFIG = """# A plain Material build of the same Markdown: no hooks, overrides, notebooks or glossary.
site_name: plain
docs_dir: {docs}
exclude_docs: |
  glossary.yml
theme:
  name: material
  language: zh
  font: false
plugins:
  - search
markdown_extensions:
  - toc:
      permalink: true
  - attr_list
  - md_in_html
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.inlinehilite
"""


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if run.returncode != 0:
        sys.exit(run.stdout + run.stderr)
    return time.perf_counter() - start


def build_times(repeat: int = 5) -> tuple[float, float]:
    """Median wall time of `mkdocs build` for the site and for a plain Material build of docs/."""
    with tempfile.TemporaryDirectory(prefix="buildtime-") as tmp:
        plain = Path(tmp) / "plain.yml"
        plain.write_text(PLAIN_CONFIG.format(docs=ROOT / "docs"), encoding="utf-8")
        full_cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "--strict", "-d", f"{tmp}/full"]
        plain_cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(plain), "-d", f"{tmp}/plain"]
        full, bare = [], []
        for _ in range(repeat):  # interleaved, so both see the same machine load
            full.append(_timed(full_cmd, ROOT))
            bare.append(_timed(plain_cmd, ROOT))
    return statistics.median(full), statistics.median(bare)


def serve_reload_times(port: int = 8765, edits: int = 5) -> list[float]:
    """Seconds from saving an edited page to `mkdocs serve` serving the new text (on a copy of the sources)."""
    from conftest import copy_project

    with tempfile.TemporaryDirectory(prefix="serve-") as tmp:
        project = copy_project(Path(tmp))
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=project,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        url = f"http://127.0.0.1:{port}/qa/definition/"

        def served() -> str:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    return response.read().decode("utf-8")
            except OSError:
                return ""

        try:
            deadline = time.monotonic() + 120
            while "<h1" not in served():
                if time.monotonic() > deadline:
                    sys.exit("mkdocs serve did not start")
                time.sleep(0.2)
            page, times = project / "docs" / "qa" / "definition.md", []
            for number in range(edits):
                time.sleep(2)
                marker = f"reload-check-{number}"
                page.write_text(page.read_text(encoding="utf-8") + f"\n\n{marker}\n", encoding="utf-8")
                start = time.monotonic()
                while marker not in served() and time.monotonic() - start < 60:
                    time.sleep(0.05)
                times.append(time.monotonic() - start)
            return times
        finally:
            server.terminate()
            server.wait()


def _build(out: Path, env: dict) -> Path:
    build = mkdocs_build(ROOT, out, env=env)
    if build.returncode != 0:
        sys.exit(build.log)
    return build.site


def _site(args) -> tuple[Path, tempfile.TemporaryDirectory | None]:
    """The --site folder, or a build: for `audit` as the tests build it (a stand-in repository URL,
    so the pages carry the source and Colab links the deploy adds), for `links` as a local build."""
    if args.site:
        return Path(args.site), None
    tmp = tempfile.TemporaryDirectory(prefix="site-audit-")
    return _build(Path(tmp.name) / "site", DEPLOY_ENV if args.command == "audit" else {}), tmp


def _executed_site(tmp: Path) -> Path:
    """The site built from the notebooks executed offline, with the tests' stand-ins for the downloads."""
    import notebook_offline

    out = tmp / "executed"
    # The kernels write to the inherited stdout (a blank line each); stdout is the table's alone.
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        for name in notebook_offline.SETUP:
            print(f"executing {name}.ipynb offline ...", file=sys.stderr, flush=True)
            notebook_offline.execute_offline(name, out)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
    return _build(tmp / "executed-site", {**DEPLOY_ENV, "NOTEBOOKS_DIR": str(out)})


def _audit(args, site: Path, tmp: tempfile.TemporaryDirectory | None) -> int:
    chosen = args.pages.split(",") if args.pages else list(PAGES)
    unknown = [name for name in chosen if name not in PAGES]
    if unknown:
        sys.exit(f"unknown pages {unknown}; the audited pages are {', '.join(PAGES)}")
    missing = missing_pages(site)
    if missing:
        print(f"not built, audited anyway (they will 404): {', '.join(missing)}", file=sys.stderr)
    reports = Path(args.reports) if args.reports else Path(tempfile.mkdtemp(prefix="lighthouse-"))
    reports.mkdir(parents=True, exist_ok=True)
    forms = [("", site, chosen)]
    notebooks = [name for name in chosen if name in NOTEBOOK_PAGES]
    # Built here, without NOTEBOOKS_DIR: also the notebook pages as the deploy builds them (executed
    # offline here). With NOTEBOOKS_DIR the one build already holds those copies' outputs.
    if tmp is not None and notebooks and not os.environ.get("NOTEBOOKS_DIR"):
        forms = [("plain:", site, chosen), ("executed:", _executed_site(Path(tmp.name)), notebooks)]
    audits = []
    for label, form_site, names in forms:
        audits += audit_site(form_site, reports, {n: PAGES[n] for n in names}, runs=args.runs, label=label)
    print(table(audits))
    indexes = [run.benchmark_index for a in audits for run in a.runs if not run.error]
    print(f"\n{args.runs} Lighthouse runs per page (mobile, default throttling: 4x CPU slowdown, simulated "
          f"slow 4G); median (min–max). Host benchmark index {spread(indexes, '.0f')} (Lighthouse's reference "
          f"phone setting assumes about 1500). Timings are watched, not gated; the budgets column is what "
          f"`make test` checks.")
    errors = [f"{a.name}: {e}" for a in audits for e in a.errors()]
    for error in errors:
        print(error, file=sys.stderr)
    print(f"Reports: {reports}", file=sys.stderr)
    return 1 if errors or missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["audit", "links", "buildtime", "reload", "search"])
    parser.add_argument("--site", help="an already built site folder (default: build one now)")
    parser.add_argument("--reports", help="keep the Lighthouse JSON reports in this folder")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"Lighthouse runs per page (default {RUNS})")
    parser.add_argument("--pages", help=f"audit only these, comma-separated: {','.join(PAGES)}")
    args = parser.parse_args(argv)
    if args.command == "buildtime":
        full, plain = build_times()
        print(f"mkdocs build: {full:.2f} s; plain Material build of the same Markdown: {plain:.2f} s; "
              f"ratio {full / plain:.2f}")
        return 0
    if args.command == "reload":
        times = serve_reload_times()
        print("mkdocs serve, edit to new page served: " + ", ".join(f"{t:.2f} s" for t in times))
        return 0 if max(times) < 2 else 1
    site, tmp = _site(args)
    try:
        if args.command == "links":
            links = external_links(site)
            for url, pages in links.items():
                print(f"{url}\t{' '.join(pages)}")
            print(f"{len(links)} external links; check them by hand (the tests have no network).", file=sys.stderr)
            return 0
        if args.command == "search":
            from search_audit import report

            print(report(site))
            return 0
        return _audit(args, site, tmp)
    finally:
        if tmp:
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
