"""The Content-Security-Policy of every page (hooks/csp.py): written right, and enforced in Chromium.

- Every built HTML page carries one policy, before its first script, with the required directives,
  and its script-src allows exactly the page's own inline scripts by hash (no 'unsafe-inline').
- In Chromium, no page reports a `securitypolicyviolation`: every page of the site (404 included),
  the notebook pages also as built from the executed notebooks, and the interactive parts: search
  opened and queried, a result opened, a result page with highlighted words, the palette toggle, a
  code block's copy button.
- A planted inline script without a hash does not run, and the browser reports it.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT

REQUIRED = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'none'"],
}


def hook():
    spec = importlib.util.spec_from_file_location("site_csp", ROOT / "hooks" / "csp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_the_hook_hashes_what_a_browser_runs():
    csp = hook()
    page = ('<html><head><meta charset="utf-8"><script>var a=1</script><script src="x.js"></script>'
            '<script type="application/json" id="__config">{"b": 2}</script>'
            '<script type="module">import "./y.js"</script></head><body></body></html>')
    assert csp.inline_scripts(page) == ["var a=1", 'import "./y.js"']
    assert csp.script_hash("var a=1") == "'sha256-WazVQOu5lmXfSreSrMJd1CsaQ4c00fUQpJfBYCuMSIw='"
    assert csp.script_hash("a\r\nb") == csp.script_hash("a\nb")
    written = csp.add_policy(page, "test.html")
    assert written.index('<meta charset="utf-8">') < written.index("Content-Security-Policy") < written.index("<script")


@pytest.mark.parametrize("which", ["site", "executed_site"])
def test_every_page_has_a_policy_that_hashes_its_inline_scripts(which, request):
    csp = hook()
    site = request.getfixturevalue(which)
    pages = html_pages(site)
    assert len(pages) >= 20 and (site / "404.html") in pages
    problems = []
    for path in pages:
        html = path.read_text(encoding="utf-8")
        name = path.relative_to(site).as_posix()
        doc = BeautifulSoup(html, "html.parser")
        metas = doc.select('meta[http-equiv="Content-Security-Policy"]')
        if len(metas) != 1 or metas[0].parent.name != "head":
            problems.append(f"{name}: {len(metas)} policies in <head>")
            continue
        if html.index("Content-Security-Policy") > html.index("<script"):
            problems.append(f"{name}: the policy comes after a script")
        policy = directives(metas[0]["content"])
        for directive, values in REQUIRED.items():
            if policy.get(directive) != values:
                problems.append(f"{name}: {directive} {policy.get(directive)} instead of {values}")
        script_src = policy.get("script-src", [])
        if script_src[:1] != ["'self'"] or "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
            problems.append(f"{name}: script-src {script_src}")
        wanted = sorted({csp.script_hash(text) for text in csp.inline_scripts(html)})
        if sorted(script_src[1:]) != wanted or not wanted:
            problems.append(f"{name}: script-src hashes {script_src[1:]} instead of {wanted}")
        referrer = doc.select_one('meta[name="referrer"]')
        if referrer is None or referrer["content"] != "strict-origin-when-cross-origin":
            problems.append(f"{name}: no referrer policy")
    assert not problems, "\n".join(problems)


# Recorded before any script of the page runs (Playwright's init scripts are not subject to the
# page's policy).
RECORD = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile || "page"}:${e.lineNumber})`), true);
"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True, has_touch=True)
    context.add_init_script(RECORD)
    page = context.new_page()
    console = []
    page.on("console", lambda m: "Content Security Policy" in m.text and console.append(m.text))
    page.console_csp = console
    yield page
    context.close()


def violations(page) -> list[str]:
    page.wait_for_timeout(100)  # the event is dispatched asynchronously
    return page.evaluate("window.__csp") + page.console_csp


def site_urls(site: Path) -> list[str]:
    urls = ["" if p.parent == site else p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")]
    return sorted(urls) + ["does-not-exist/"]  # the 404 page


def visit_all(page, base_url: str, urls: list[str]) -> list[str]:
    problems = []
    for url in urls:
        page.goto(base_url + url, wait_until="networkidle")
        # The hashed start-up scripts ran: __md_get is defined by the first one.
        if not page.evaluate("typeof __md_get === 'function'"):
            problems.append(f"/{url}: Material's inline start-up script did not run")
        problems += [f"/{url}: {v}" for v in violations(page)]
        page.evaluate("window.__csp = []")
        page.console_csp.clear()
    return problems


def test_no_page_reports_a_violation(phone, site, base_url):
    urls = site_urls(site)
    assert len(urls) >= 20
    problems = visit_all(phone, base_url, urls)
    assert not problems, "\n".join(problems)


def test_no_executed_notebook_page_reports_a_violation(phone, executed_site, executed_base_url):
    urls = [url for url in site_urls(executed_site) if url.startswith("code/")]
    assert len(urls) >= 4
    problems = visit_all(phone, executed_base_url, urls)
    # and with every lazy output image loaded
    for url in urls:
        phone.goto(executed_base_url + url, wait_until="networkidle")
        phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        phone.wait_for_load_state("networkidle")
        problems += [f"/{url} (scrolled): {v}" for v in violations(phone)]
    assert not problems, "\n".join(problems)


def test_search_copy_and_palette_report_no_violation(phone, base_url):
    phone.goto(base_url + "qa/definition/", wait_until="networkidle")
    phone.click("label.md-header__button[for='__search']")
    box = phone.locator("input.md-search__input")
    box.press_sequentially("注意力")
    box.press("End")
    phone.wait_for_function("() => /\\d/.test(document.querySelector('.md-search-result__meta').textContent)")
    assert phone.locator("li.md-search-result__item").count() >= 1
    problems = [f"search: {v}" for v in violations(phone)]
    with phone.expect_navigation():
        box.press("Enter")  # Material opens the first result; the search form never submits
    phone.wait_for_load_state("networkidle")
    assert "/qa/definition/" not in phone.url, phone.url
    problems += [f"search result: {v}" for v in violations(phone)]

    phone.goto(base_url + "qa/training/?h=梯度下降", wait_until="networkidle")
    phone.wait_for_function("() => document.querySelectorAll('article mark').length > 0")
    problems += [f"highlight: {v}" for v in violations(phone)]

    phone.goto(base_url + "code/mnist/", wait_until="networkidle")
    phone.locator("button.md-code__button[data-md-type='copy']").first.click(force=True)
    phone.locator("form[data-md-component='palette'] label:not([hidden])").click()
    phone.wait_for_timeout(300)
    problems += [f"copy, palette: {v}" for v in violations(phone)]
    # the next page starts from the stored palette (the other branch of Material's inline script)
    phone.goto(base_url + "glossary/", wait_until="networkidle")
    assert phone.evaluate("__md_get('__palette')") is not None
    problems += [f"stored palette: {v}" for v in violations(phone)]
    assert not problems, "\n".join(problems)


def test_a_planted_inline_script_without_a_hash_is_blocked(phone, site, base_url):
    """The page as built, with one inline script added after the build: it must not run, and the
    browser reports it; the page's own hashed scripts still run."""
    url = base_url + "qa/definition/"
    html = (site / "qa" / "definition" / "index.html").read_text(encoding="utf-8")
    planted = html.replace("</body>", "<script>window.__planted = true</script>\n</body>", 1)
    assert planted != html
    phone.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=planted))
    phone.goto(url, wait_until="networkidle")
    assert phone.evaluate("window.__planted") is None, "the planted script ran"
    assert phone.evaluate("typeof __md_get === 'function'"), "the page's own inline script was blocked too"
    reported = violations(phone)
    assert any(re.match(r"script-src(-elem)? blocked inline", v) for v in reported), reported
    # Chromium's message names the hash that would allow the script: the hook hashes as it does.
    assert any(hook().script_hash("window.__planted = true") in v for v in reported), reported
