"""Shared fixtures: one strict build of the site, a local gzip server for it, and Chromium.

Nothing here touches the network. With CI set, a missing browser fails instead of skipping.
"""

from __future__ import annotations

import gzip
import io
import http.server
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = bool(os.environ.get("CI"))
# The author's original text, byte for byte: the oracle for "verbatim" (the pages and the notebooks'
# seed cells are compared with it). It lives in the repository, so a bare clone can run every test.
MANUSCRIPT = ROOT / "tests" / "manuscript" / "article.md"


def seed_article() -> str:
    return MANUSCRIPT.read_text(encoding="utf-8")


def seed_code_examples() -> list[tuple[str, str, str]]:
    """The seed's 算法编程题库, in order: (question heading, answer line, code block)."""
    section = seed_article().split("## 算法编程题库", 1)[1].split("\n## ", 1)[0]
    examples = []
    for block in section.split("\n### ")[1:]:
        heading, rest = block.split("\n", 1)
        answer = next(line for line in rest.splitlines() if line.startswith("**答案：**"))
        code = rest.split("```python\n", 1)[1].split("\n```", 1)[0]
        examples.append((heading.strip(), answer, code))
    return examples


@dataclass
class Build:
    returncode: int
    log: str
    site: Path


def mkdocs_build(project: Path, site_dir: Path, env: dict | None = None) -> Build:
    """Run `mkdocs build --strict` on a project folder; return its exit code and log."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        timeout=600,
    )
    return Build(result.returncode, result.stdout + result.stderr, site_dir)


def copy_project(dest: Path, cards_cache: bool = True) -> Path:
    """A throwaway copy of the sources, to build with a defect planted in it. With the link-preview
    cards already drawn (.cache/cards, keyed by each card's content): drawing them all again took
    17 s of every such build. The card tests that need them drawn pass cards_cache=False."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "docs", "hooks", "notebooks"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    cards = ROOT / ".cache" / "cards"
    if cards_cache and cards.is_dir():
        shutil.copytree(cards, dest / ".cache" / "cards", ignore=shutil.ignore_patterns("*.part"))
    return dest


# The deploy sets REPO_URL from GitHub's context; the tests build with a stand-in repository.
DEPLOY_ENV = {"REPO_URL": "https://github.com/owner/repository"}


@pytest.fixture(scope="session")
def build(tmp_path_factory) -> Build:
    """The site as the deploy builds it (notebooks unexecuted), built once per test run."""
    result = mkdocs_build(ROOT, tmp_path_factory.mktemp("site"), env=DEPLOY_ENV)
    assert result.returncode == 0, result.log
    return result


@pytest.fixture(scope="session")
def site(build) -> Path:
    return build.site


@pytest.fixture(scope="session")
def executed(tmp_path_factory):
    """Every notebook run offline (tests/notebook_offline.py): {name: (notebook, check, seconds)},
    the executed copies in ["dir"]."""
    import notebook_offline

    out = tmp_path_factory.mktemp("executed")
    results = {name: notebook_offline.execute_offline(name, out) for name in notebook_offline.SETUP}
    results["dir"] = out
    return results


@pytest.fixture(scope="session")
def executed_site(executed, tmp_path_factory) -> Path:
    """The site as the deploy builds it: from the executed notebooks (NOTEBOOKS_DIR)."""
    result = mkdocs_build(ROOT, tmp_path_factory.mktemp("executed-site"),
                          env={**DEPLOY_ENV, "NOTEBOOKS_DIR": str(executed["dir"])})
    assert result.returncode == 0, result.log
    return result.site


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files as GitHub Pages does: gzip for text when the client accepts it."""

    COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".ipynb", ".map")

    def __init__(self, *args, sent: list | None = None, **kwargs):
        self.sent = sent  # set before the base class handles the request
        super().__init__(*args, **kwargs)

    def log_message(self, *args):  # keep test output quiet
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # redirects to the URL with a slash
            path = path / "index.html"
        status = 200
        if not path.is_file():
            status, path = 404, Path(self.directory) / "404.html"
        body = path.read_bytes()
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "") and path.suffix in self.COMPRESSIBLE
        if gzipped:
            body = gzip.compress(body, compresslevel=6)
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        if self.sent is not None:
            self.sent.append(Sent(self.path, status, path.relative_to(self.directory).as_posix(), len(body)))
        return io.BytesIO(body)


@dataclass(frozen=True)
class Sent:
    """One response of the local server: the URL path asked for, the file sent and its bytes as sent."""
    url: str
    status: int
    file: str
    body_bytes: int


def serve(directory: Path, sent: list | None = None):
    """Start a local server for a built site; returns (base_url, stop). With `sent`, every file it
    serves is appended to that list (a Sent)."""
    handler = partial(_GzipHandler, directory=str(directory), sent=sent)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server.shutdown


@pytest.fixture(scope="session")
def base_url(site):
    url, stop = serve(site)
    yield url
    stop()


@pytest.fixture(scope="session")
def executed_base_url(executed_site):
    url, stop = serve(executed_site)
    yield url
    stop()


def missing(message: str):
    """A tool the tests need is absent: skip on a developer's machine, fail when CI is set."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def require_chromium() -> str:
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    return CHROMIUM


# Flags that keep Chromium from calling Google's services on a machine with no internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# `make test` runs the files on two or more workers, each file whole (pytest-xdist --dist loadfile),
# handed out in collection order. The longest files go first, so that no worker is left with one of
# them at the end while the others idle (from `--durations`: the bare-clone run, the PDF, axe and
# Lighthouse, the site's phone checks).
LONGEST_FIRST = ["test_standalone.py", "test_pdf.py", "test_audit.py", "test_site.py", "test_search.py",
                 "test_csp.py", "test_cards.py", "test_notebooks.py", "test_engines.py"]


def pytest_collection_modifyitems(session, config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order
