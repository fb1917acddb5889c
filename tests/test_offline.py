"""The offline copy (`make offline`: OFFLINE=true, hooks/offline.py, tools/offline.py): a zip under
its budget that, unpacked into an empty folder and opened from disk (file://) in Chromium, shows the
home page, finds a glossary term's entry with the search, opens a question page, a notebook page and
the 练习 page, and requests nothing outside file://."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import DEPLOY_ENV, ROOT, missing, mkdocs_build

sys.path.insert(0, str(ROOT / "tools"))
import offline as siteoffline  # noqa: E402

MB = 1_000_000
BUDGET = 20 * MB
SHIM = ROOT / "tools" / "offline" / "node_modules" / "iframe-worker" / "shim" / "index.js"


@pytest.fixture(scope="session")
def offline_zip(tmp_path_factory) -> Path:
    if not SHIM.is_file():
        missing("tools/offline/node_modules is missing: run `npm ci` in tools/offline (make test does)")
    build = mkdocs_build(ROOT, tmp_path_factory.mktemp("offline-site"), env={**DEPLOY_ENV, "OFFLINE": "true"})
    assert build.returncode == 0, build.log
    assert "WARNING" not in build.log, build.log
    out = tmp_path_factory.mktemp("downloads") / "offline.zip"
    result = siteoffline.make_zip(build.site, out)
    print(f"\nzip: {result['files']} files, {result['bytes'] / MB:.1f} MB")
    return out


@pytest.fixture(scope="session")
def unpacked(offline_zip, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("unpacked")
    assert not any(folder.iterdir())
    with zipfile.ZipFile(offline_zip) as archive:
        archive.extractall(folder)
    (top,) = list(folder.iterdir())
    return top


def test_zip_fits_the_budget_and_holds_one_folder(offline_zip, record_property):
    size = offline_zip.stat().st_size
    record_property("bytes", size)
    assert size <= BUDGET, f"{size / MB:.1f} MB > 20 MB"
    with zipfile.ZipFile(offline_zip) as archive:
        names = archive.namelist()
    assert {name.split("/", 1)[0] for name in names} == {siteoffline.FOLDER}
    assert f"{siteoffline.FOLDER}/index.html" in names
    assert not [name for name in names if name.endswith(".map") or "/assets/cards/" in name]


def test_every_link_opens_a_file_from_disk(unpacked):
    """file:// shows a folder's listing, not its index.html: every internal link names a file."""
    problems = []
    for page in unpacked.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'\shref="([^"]*)"', html):
            parsed = urlparse(href)
            if parsed.scheme or href.startswith(("#", "//")):
                continue
            target = (page.parent / unquote(parsed.path)).resolve()
            if not target.is_file():
                problems.append(f"{page.relative_to(unpacked)}: {href}")
    assert not problems, "\n".join(problems[:30])


def test_no_script_from_another_host(unpacked):
    offenders = [f"{page.relative_to(unpacked)}: {src}" for page in unpacked.rglob("*.html")
                 for src in re.findall(r'<script[^>]*\ssrc="([^"]+)"', page.read_text(encoding="utf-8"))
                 if urlparse(src).scheme or src.startswith("//")]
    assert not offenders, "\n".join(offenders)


@pytest.fixture
def disk_page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests
    yield page
    page.close()
    outside = [url for url in requests if not url.startswith(("file://", "data:", "blob:", "about:"))]
    assert not outside, "requests outside file://:\n" + "\n".join(outside)


def heading(page) -> str:
    return page.locator("article h1").first.inner_text().replace("¶", "").strip()


def test_home_page_renders_from_disk(disk_page, unpacked):
    disk_page.goto((unpacked / "index.html").as_uri(), wait_until="load")
    assert heading(disk_page).startswith("多模态大模型：技术原理与实战")
    assert disk_page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    # The navigation leads to a question page's file.
    disk_page.locator("article a[href$='qa/index.html']").first.click()
    disk_page.wait_for_load_state("load")
    assert disk_page.url.endswith("/qa/index.html") and heading(disk_page) == "领域问题/面试题库"


def test_search_finds_a_glossary_term_from_disk(disk_page, unpacked):
    disk_page.goto((unpacked / "qa" / "definition" / "index.html").as_uri(), wait_until="load")
    box = disk_page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("自注意力机制")
    box.press("End")
    disk_page.wait_for_function("""() => {
        const meta = document.querySelector('.md-search-result__meta');
        return meta && /\\d|没有/.test(meta.textContent); }""")
    # The first result group: the page, then its sections; the entry is among them.
    links = disk_page.evaluate("""[...document.querySelectorAll('li.md-search-result__item')].slice(0, 1)
        .flatMap(li => [...li.querySelectorAll('a.md-search-result__link')].map(a => a.href))""")
    entry = [link for link in links if re.search(r"/glossary/(?:[a-z-]+/)?index\.html(\?h=[^#]*)?#self-attention$", link)]
    assert entry, links
    # The result opens the entry.
    disk_page.locator("li.md-search-result__item a.md-search-result__link[href$='#self-attention']").first.click()
    disk_page.wait_for_load_state("load")
    assert disk_page.evaluate("document.getElementById('self-attention') !== null")
    assert any(url.endswith("search/search_index.js") for url in disk_page.requests)


@pytest.mark.parametrize("path,title", [
    ("qa/definition/index.html", "1. 多模态大模型的定义和特点是什么？"),
    ("code/mnist/index.html", "1. 实现一个基于深度学习的手写数字识别模型。"),
])
def test_question_and_notebook_pages_open_from_disk(disk_page, unpacked, path, title):
    disk_page.goto((unpacked / path).as_uri(), wait_until="load")
    assert heading(disk_page) == title
    assert disk_page.locator("article").inner_text().count("\n") > 10


def test_practice_page_deals_cards_from_disk(disk_page, unpacked):
    disk_page.goto((unpacked / "practice" / "index.html").as_uri(), wait_until="load")
    disk_page.wait_for_function("""() => {
        const front = document.querySelector('.practice-front');
        const status = document.querySelector('.practice-status');
        return (front && front.textContent.trim()) || (status && /失败/.test(status.textContent)); }""")
    assert "失败" not in disk_page.locator(".practice-status").inner_text()
    assert disk_page.locator(".practice-front").inner_text().strip()
    # The card's link opens its page's file in the copy.
    href = disk_page.evaluate("document.querySelector('.practice-link').href")
    assert href.startswith("file://") and re.search(r"\.html(#[^/]*)?$", href), href


# --- the downloads on the home page and 关于 (hooks/downloads.py) ----------------------------------


def download_lines(site: Path) -> dict[str, str]:
    from bs4 import BeautifulSoup

    lines = {}
    for uri in ("", "about/"):
        doc = BeautifulSoup((site / uri / "index.html").read_text(encoding="utf-8"), "html.parser")
        paragraph = next(p for p in doc.select("article p") if p.get_text().startswith("离线阅读："))
        lines[uri] = str(paragraph)
    return lines


def test_without_downloads_the_pages_say_the_published_site_has_them(site):
    for uri, line in download_lines(site).items():
        assert "随正式发布的网站一起生成" in line and "<a " not in line, uri


def test_downloads_are_published_and_linked_with_their_sizes(tmp_path):
    sys.path.insert(0, str(ROOT / "hooks"))
    import downloads

    folder = tmp_path / "dist"
    folder.mkdir()
    (folder / downloads.PDF).write_bytes(b"%PDF" + b"x" * 6_800_000)
    (folder / downloads.ZIP).write_bytes(b"PK" + b"x" * 1_250_000)
    build = mkdocs_build(ROOT, tmp_path / "site", env={**DEPLOY_ENV, "DOWNLOADS_DIR": str(folder)})
    assert build.returncode == 0 and "WARNING" not in build.log, build.log
    for uri, line in download_lines(build.site).items():
        assert "（6.8 MB，" in line and "（1.3 MB，" in line, line
        for name in (downloads.PDF, downloads.ZIP):
            hrefs = [unquote(href) for href in re.findall(r'href="([^"]*)"', line) if unquote(href).endswith(name)]
            assert hrefs, f"{uri}: no link to {name}: {line}"
            assert (build.site / uri / hrefs[0]).resolve().is_file(), hrefs[0]
    assert (build.site / "downloads" / downloads.PDF).stat().st_size == 6_800_004
    # DOWNLOADS_DIR without the files stops the build, naming them.
    (folder / downloads.ZIP).unlink()
    build = mkdocs_build(ROOT, tmp_path / "site2", env={**DEPLOY_ENV, "DOWNLOADS_DIR": str(folder)})
    assert build.returncode != 0 and downloads.ZIP in build.log
