"""What a reader trips over on a phone, held at the cause: permalinks that copy, no double gap after
"：", term links only in running prose, lists of pages in reading order, titles that cannot be
confused, the phone details (drawer, footer, code copy button), the 404 page, and no invented
repository address."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, copy_project, mkdocs_build
from test_site import article, nav_order, pages, soup

sys.path.insert(0, str(ROOT / "hooks"))
import repository  # noqa: E402  (hooks/repository.py)


def built_pages(site: Path) -> list[tuple[str, BeautifulSoup]]:
    return [(path.relative_to(site).as_posix(), soup(path)) for path in pages(site)]


# --- permalinks ---------------------------------------------------------------------------------


def test_every_permalink_carries_its_sections_address(site):
    checked = 0
    for name, doc in built_pages(site):
        canonical = doc.find("link", rel="canonical")
        for link in doc.select("article a.headerlink"):
            heading_id = link["href"].removeprefix("#")
            assert link.get("data-clipboard-text") == f"{canonical['href']}#{heading_id}", f"{name}: {link}"
            checked += 1
    assert checked > 50


def test_clicking_the_permalink_copies_the_link_and_says_so(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(base_url + "qa/training/", wait_until="networkidle")
        link = page.locator("#related-terms a.headerlink")
        link.scroll_into_view_if_needed()
        link.hover()
        link.click()
        page.wait_for_function("() => document.querySelector('.md-dialog').textContent.trim().length > 0")
        copied = page.evaluate("navigator.clipboard.readText()")
        dialog = page.locator(".md-dialog")
        assert copied.endswith("/qa/training/#related-terms") and copied.startswith("http")
        assert dialog.get_attribute("role") == "status", "the confirmation must reach screen readers"
        assert "已复制" in dialog.text_content()
    finally:
        context.close()


# --- text ---------------------------------------------------------------------------------------


def test_no_double_gap_after_a_full_width_label(site):
    """"**答案：** 多模态": the space after the bold label is dropped (the text itself is unchanged)."""
    problems = []
    for name, doc in built_pages(site):
        body = article(doc)
        if body is None:
            continue
        for code in body.select("pre, code"):
            code.decompose()
        for strong in body.select("strong, b, em"):
            following = strong.next_sibling
            if strong.get_text().endswith(("：", "；", "，", "。")) and isinstance(following, str) \
                    and following[:1].isspace():
                problems.append(f"{name}: {strong.get_text()!r} is followed by whitespace")
    assert not problems, "\n".join(problems[:20])
    html = (site / "qa" / "definition" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<strong>答案：</strong>(<a [^>]*>)?多模态", html), "the label's gap is gone, the text kept"


def test_term_links_stay_out_of_page_lists_and_quoted_titles(site):
    problems = []
    for name, doc in built_pages(site):
        for link in doc.select(".page-list a.glossary-term"):
            problems.append(f"{name}: term link {link.get_text()!r} in a list of pages")
        body = article(doc)
        if body is None:
            continue
        for quoted in re.findall(r"《[^《》]*》", str(body)):
            if "glossary-term" in quoted:
                problems.append(f"{name}: term link inside {BeautifulSoup(quoted, 'html.parser').get_text()}")
    assert not problems, "\n".join(problems)
    assert article(soup(site / "qa" / "index.html")).select(".page-list li"), "the overview lists its pages"


def test_term_links_never_cut_into_an_address_or_identifier(site):
    """"huggingface.co" or "OFA-Sys/chinese-clip-vit-base-patch16" are not the terms they contain."""
    inside = re.compile(r'([A-Za-z0-9/_-])<a class="glossary-term"[^>]*>[A-Za-z0-9]'
                        r'|<a class="glossary-term"[^>]*>[A-Za-z0-9][^<]*</a>[.\-/][A-Za-z0-9]')
    problems = [f"{name}: {m.group(0)[:120]}" for name, path in
                ((p.relative_to(site).as_posix(), p) for p in pages(site))
                for m in inside.finditer(path.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)
    assert inside.search('来自 <a class="glossary-term" href="#">Hugging Face</a>。') is None
    assert inside.search('OFA-Sys/<a class="glossary-term" href="#">chinese-clip</a>')
    assert inside.search('<a class="glossary-term" href="#">huggingface</a>.co')


# --- lists and titles ---------------------------------------------------------------------------


def test_lists_of_pages_follow_reading_order(site):
    order = nav_order(site)
    checked = 0
    for name, doc in built_pages(site):
        for block in doc.select("article .page-list"):
            here = name.removesuffix("index.html")
            hrefs = [a["href"] for a in block.select("a:not(.glossary-term)")]
            targets = [re.sub(r"^/", "", str(Path("/" + here, href).resolve()).lstrip("/") + "/").replace("//", "/")
                       for href in hrefs]
            targets = [t if t != "/" else "" for t in targets]
            positions = [order.index(t) for t in targets]
            assert positions == sorted(positions), f"{name}: {targets}"
            checked += 1
    assert checked >= 9  # two overviews and seven questions' related lists


def test_code_pages_have_titles_that_cannot_be_confused(site):
    """The author's heading stays on the page; nav, footer, search and lists call it 编程题 N."""
    for number, name in ((1, "mnist"), (2, "gpt2")):
        doc = soup(site / "code" / name / "index.html")
        h1 = doc.select_one("article h1").get_text().strip("¶")
        assert h1.startswith(f"{number}. ") and h1.endswith("。"), h1
        title = doc.title.get_text()
        assert title.startswith(f"编程题 {number}：") and "。" not in title, title
        nav = [a.get_text(" ", strip=True) for a in doc.select("nav.md-nav--primary a.md-nav__link")]
        assert any(t.startswith(f"编程题 {number}：") for t in nav), nav
    footer = soup(site / "qa" / "medical" / "index.html").select_one("a.md-footer__link--next")
    assert "。" not in footer.get_text()
    glossary = " ".join(article(soup(path)).get_text() for path in sorted((site / "glossary").glob("*/index.html")))
    for text in (article(soup(site / "code" / "index.html")).get_text(), glossary):  # lists of pages
        assert "编程题 1：" in text and "1. 实现" not in text


def test_question_links_keep_the_question_mark_outside_the_underline(site):
    questions = 0
    for name, doc in built_pages(site):
        for link in doc.select("article .page-list a:not(.glossary-term)"):
            assert not link.get_text().endswith(("？", "。")), f"{name}: {link}"
            questions += link.next_sibling is not None and str(link.next_sibling).startswith("？")
    assert questions >= 7, "the overview's question links, each followed by its ？"


def test_site_additions_wear_one_badge(browser, base_url, site):
    """The notebooks' 本站补充 heading looks like the badge of every other page's additions."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    style = """selector => { const e = document.querySelector(selector); const s = getComputedStyle(e);
        return [e.textContent.replace('¶', '').trim(), s.backgroundColor, s.color, s.fontSize, s.fontWeight,
                e.getBoundingClientRect().height > 0]; }"""
    try:
        page.goto(base_url + "qa/training/", wait_until="networkidle")
        badge = page.evaluate(style, ".site-addition p.site-addition__label")
        for name in ("mnist", "gpt2", "chinese-clip"):
            page.goto(base_url + f"code/{name}/", wait_until="networkidle")
            assert page.evaluate(style, "h2.site-addition__label") == badge, f"code/{name}/"
    finally:
        page.close()
    assert badge[0] == "本站补充" and badge[-1]


# --- phone details --------------------------------------------------------------------------


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    yield context.new_page()
    context.close()


def line_texts(page, selector: str) -> list[str]:
    """The rendered lines of an element's text, as the browser broke them."""
    return page.evaluate("""(selector) => {
        const element = document.querySelector(selector);
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        const lines = new Map();
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let i = 0; i < node.length; i++) {
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const rect = range.getClientRects()[0];
                if (!rect) continue;
                const top = Math.round(rect.top);
                lines.set(top, (lines.get(top) || '') + node.data[i]);
            }
        }
        return [...lines.entries()].sort((a, b) => a[0] - b[0]).map(entry => entry[1]);
    }""", selector)


def test_footer_breaks_between_clauses_on_a_phone(phone, base_url):
    phone.goto(base_url + "summary/", wait_until="networkidle")
    lines = [line.strip() for line in line_texts(phone, ".md-copyright__highlight") if line.strip()]
    # One line (the footer has no "Made with Material" notice since issue 22), or two, split between the clauses.
    assert lines in (["原文版权归原作者所有；", "本站补充内容以 CC BY 4.0 许可发布。"],
                     ["原文版权归原作者所有；本站补充内容以 CC BY 4.0 许可发布。"]), lines


def test_drawer_shows_the_whole_site_name(phone, base_url):
    phone.goto(base_url + "summary/", wait_until="networkidle")
    phone.click("label.md-header__button[for='__drawer']")
    phone.wait_for_timeout(400)
    title = phone.locator("nav.md-nav--primary > .md-nav__title")
    assert title.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert "多模态大模型：技术原理与实战" in title.text_content().replace("\n", "").replace(" ", "")
    lines = [line for line in line_texts(phone, "nav.md-nav--primary > .md-nav__title") if line.strip()]
    assert all(len(line.strip()) > 1 for line in lines), f"a character alone on a line: {lines}"


def test_copy_button_does_not_cover_code_on_a_phone(phone, base_url):
    phone.goto(base_url + "code/mnist/", wait_until="networkidle")
    overlap = phone.evaluate("""() => [...document.querySelectorAll('article pre')].filter(pre => {
        const button = pre.querySelector('.md-code__nav');
        const code = pre.querySelector('code');
        if (!button || !code) return false;
        const range = document.createRange();
        range.selectNodeContents(code);
        const first = range.getClientRects()[0];
        const box = button.getBoundingClientRect();
        return first && first.top < box.bottom && first.bottom > box.top;
    }).length""")
    assert overlap == 0, f"{overlap} code blocks have their first line under the copy button"


# --- 404 ----------------------------------------------------------------------------------------


def test_404_page_says_what_it_is_and_fits_phones(site):
    doc = soup(site / "404.html")
    assert "404" in doc.title.get_text() and "页面不存在" in doc.title.get_text()
    text = article(doc).get_text()
    assert "<kbd>/</kbd>" not in str(doc) and "右上角的搜索框" not in text
    assert "搜索" in text


# --- the repository address -----------------------------------------------------------------


@pytest.mark.parametrize("remote, expected", [
    ("https://github.com/someone/site.git", "https://github.com/someone/site"),
    ("git@github.com:someone/site.git", "https://github.com/someone/site"),
    ("ssh://git@github.com/someone/site", "https://github.com/someone/site"),
    ("https://gitlab.com/someone/site.git", None),
    ("/srv/git/site.git", None),
    ("", None),
])
def test_repository_url_from_the_git_remote(remote, expected):
    assert repository.github_url(remote) == expected


def test_no_invented_repository_address(tmp_path):
    """Without REPO_URL and without a GitHub remote, no 源码 link and no Colab link."""
    project = copy_project(tmp_path / "project")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    result = mkdocs_build(project, tmp_path / "site", env={"REPO_URL": ""})
    assert result.returncode == 0, result.log[-2000:]
    for path in (tmp_path / "site").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "md-source" not in text and "colab.research.google.com" not in text, path
    subprocess.run(["git", "-C", str(project), "remote", "add", "origin", "git@github.com:someone/site.git"], check=True)
    result = mkdocs_build(project, tmp_path / "site2", env={"REPO_URL": ""})
    text = (tmp_path / "site2" / "code" / "gpt2" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/someone/site"' in text
    assert "colab.research.google.com/github/someone/site/blob/main/notebooks/gpt2.ipynb" in text


# --- maintainers ---------------------------------------------------------------------------------


def test_serve_watches_the_hooks_and_notebooks():
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    watched = yaml.safe_load(re.search(r"^watch:\n(?:  - .*\n)+", text, re.M).group(0))["watch"]
    assert {"hooks", "notebooks"} <= set(watched)
