"""What a phone reader sees, in Chromium and in WebKit (the engine of Safari and of every iPhone
browser, WeChat's included): term links underlined, the site's font stack, headings that break
between words and keep their ¶ on a line with text, 44 px touch targets, a tap on a term that shows
its definition, no script error, and the same search results in both engines.

WebKit runs through Selenium's WebKitGTK driver (Debian's webkit2gtk-driver, `WebKitWebDriver`) on
an Xvfb display the test starts (Debian's xvfb); .ci/run installs both. Where they are missing the
WebKit tests say so and are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, missing, serve

WEBKIT_DRIVER = os.environ.get("WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
PHONE = {"width": 390, "height": 844}
KEY_PAGES = ["", "qa/definition/", "glossary/", "glossary/models/", "code/chinese-clip/", "about/"]
# Pages of running text with many term links (the article's answers, a notebook, a 延伸题库 page).
TERM_PAGES = ["qa/definition/", "qa/training/", "qa/principles/", "summary/", "code/chinese-clip/",
              "bank/encoders/clip/", ""]
HEADING_PAGES = ["", "qa/definition/", "qa/speech/", "qa/training/", "qa/medical/", "qa/nlp/",
                 "code/mnist/", "code/chinese-clip/", "glossary/models/", "summary/", "about/"]
QUERIES = ["多模态", "Transformer", "GPT-4", "卷积神经网络", "语音识别", "CLIP"]
# WebKitGTK's windows are at least 447 px wide: pages are measured in a 390 px frame instead.
PHONE_FRAME = ('<!doctype html><meta charset="utf-8"><body style="margin:0">'
               '<iframe id="phone" style="width:390px;height:844px;border:0"></iframe>'
               '<script>document.getElementById("phone").src = location.search.slice(1);</script>')
CAPTURE = ("<script>window.__errors=[];addEventListener('error',function(e){__errors.push(String(e.message))});"
           "addEventListener('unhandledrejection',function(e){__errors.push(String(e.reason))});</script>")

# --- what is measured, as functions of the page (the same code in both engines) ---------------

JS_STYLES = """
const term = document.querySelector('article a.glossary-term');
const s = getComputedStyle(term);
const code = document.createElement('code');
document.querySelector('article p').append(code);
const found = {line: s.textDecorationLine, style: s.textDecorationStyle,
               text: getComputedStyle(document.body).fontFamily, code: getComputedStyle(code).fontFamily};
code.remove();
return found;
"""

# Each heading's text (without its ¶) and the offsets where its rendered lines start; whether its ¶
# sits on a line of its own.
JS_HEADINGS = """
return [...document.querySelectorAll('article :is(h1, h2, h3)')].map(h => {
    let text = '', starts = [], lastTop = null, lastBottom = null;
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest('.headerlink')) continue;
        for (let i = 0; i < node.length; i++) {
            const range = document.createRange();
            range.setStart(node, i); range.setEnd(node, i + 1);
            const rect = range.getClientRects()[0];
            if (rect && /\\S/.test(node.data[i])) {
                if (lastTop !== null && rect.top >= lastBottom - 2) starts.push(text.length);
                lastTop = rect.top; lastBottom = rect.bottom;
            }
            text += node.data[i];
        }
    }
    const link = h.querySelector('.headerlink');
    const box = link && getComputedStyle(link).display !== 'none' ? link.getBoundingClientRect() : null;
    const alone = box !== null && lastBottom !== null && box.top >= lastBottom - 2;
    return [text, starts, alone];
});
"""

JS_TARGETS = """
const chips = [...document.querySelectorAll('article :is(.glossary-index, .glossary-categories) li > a')]
    .map(a => a.getBoundingClientRect().height);
// Each linked term's line boxes as touch targets: at least 44 px wide and high, centred on the box.
const box = r => {
    const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
    const w = Math.max(44, r.width) / 2, h = Math.max(44, r.height) / 2;
    return [x - w, y - h, x + w, y + h];
};
const all = [...document.querySelectorAll('article a.glossary-term')];
const linked = all.filter(a => !a.hasAttribute('data-spaced'));
const targets = linked.flatMap(a => [...a.getClientRects()].filter(r => r.width > 0).map(r => [a.textContent, box(r)]));
const close = [], sameLine = [];
for (let i = 0; i < targets.length; i++) for (let j = i + 1; j < targets.length; j++) {
    const [ta, a] = targets[i], [tb, b] = targets[j];
    if (ta !== tb && a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) {
        close.push(`${ta}/${tb}`);
        if (Math.abs(a[1] - b[1]) < 2) sameLine.push(`${ta}/${tb}`);
    }
}
return {chips: chips, close: close, sameLine: sameLine, links: linked.length, unlinked: all.length - linked.length,
        hrefless: all.filter(a => !a.getAttribute('href')).length};
"""

# Search with one input event (one query, no half-typed prefix); `query` is bound by the caller.
JS_SEARCH = """
const toggle = document.getElementById('__search');
toggle.checked = true; toggle.dispatchEvent(new Event('change'));
const box = document.querySelector('input.md-search__input');
box.focus(); box.value = query;
box.dispatchEvent(new Event('input', {bubbles: true}));
box.dispatchEvent(new KeyboardEvent('keyup', {key: 'End', bubbles: true}));
"""
JS_RESULT = """
const meta = document.querySelector('.md-search-result__meta');
const first = document.querySelector('li.md-search-result__item > a.md-search-result__link');
return meta && /\\d|没有/.test(meta.textContent) && first
    ? first.href.replace(location.origin, '').replace(/\\?h=[^#]*/, '') : null;
"""


def han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


@pytest.fixture(scope="session")
def words():
    """jieba as the build uses it: every glossary name a word (hooks/glossary.py)."""
    import jieba

    sys.path.insert(0, str(ROOT / "hooks"))
    import content

    for term in content.load_glossary(ROOT / "docs" / "glossary.yml", None, "docs/glossary.yml").terms:
        for name in term.names:
            if any(han(c) for c in name):
                jieba.add_word(name, freq=200_000)

    def starts(text: str) -> set[int]:
        found, offset = set(), 0
        for word in jieba.lcut(text, HMM=False):
            found.add(offset)
            offset += len(word)
        return found

    return starts


def bad_breaks(headings, starts) -> list[str]:
    """Line starts between two Chinese characters of one jieba word, or inside a Latin word."""
    bad = []
    for text, line_starts, _ in headings:
        allowed = starts(text)
        for i in line_starts:
            before, after = text[:i].rstrip(), text[i:].lstrip()
            if not before or not after:
                continue
            if (han(before[-1]) and han(after[0]) and len(before) not in allowed and i not in allowed) or (
                    re.match(r"[\w-]", before[-1], re.A) and re.match(r"\w", after[0], re.A) and text[i - 1] != " "):
                bad.append(f"{before}|{after}")
    return bad


# --- Chromium ----------------------------------------------------------------------------------


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def chromium_eval(page, script: str):
    return page.evaluate(f"() => {{ {script} }}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chromium_headings_break_between_words_and_keep_their_pilcrow(phone, base_url, words, scheme):
    phone.emulate_media(color_scheme=scheme)
    bad, alone = [], []
    for path in HEADING_PAGES:
        phone.goto(base_url + path, wait_until="load")
        headings = chromium_eval(phone, JS_HEADINGS)
        bad += [f"/{path}: {b}" for b in bad_breaks(headings, words)]
        alone += [f"/{path}: {text}" for text, _, lone in headings if lone]
    assert not bad, f"headings broken inside a word at 390 px: {bad}"
    assert not alone, f"headings with their ¶ alone on a line: {alone}"


def test_the_heading_check_catches_a_break_inside_a_word(words):
    assert bad_breaks([("技术原理与实战", [3], False)], words) == ["技术原|理与实战"]
    assert bad_breaks([("用 Chinese-CLIP 做图文匹配", [10], False)], words) == ["用 Chinese-|CLIP 做图文匹配"]
    assert bad_breaks([("技术原理与实战", [4], False)], words) == []


def test_chromium_touch_targets(phone, browser, base_url):
    """Chips at least 44 px tall; no two linked terms whose 44 px targets overlap, on one line or
    on neighbouring lines (docs/assets/terms.js makes the later one plain text on a touch screen, its href kept for
    crawlers and screen readers); with a
    mouse every term stays linked."""
    for path in ("glossary/", "glossary/models/"):
        phone.goto(base_url + path, wait_until="load")
        found = chromium_eval(phone, JS_TARGETS)
        assert found["chips"] and min(found["chips"]) >= 43.5, f"/{path}: chips {min(found['chips'])} px tall"
    desktop = browser.new_page(viewport={"width": 390, "height": 844})
    unlinked = 0
    try:
        for path in TERM_PAGES:
            phone.goto(base_url + path, wait_until="load")
            phone.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            found = chromium_eval(phone, JS_TARGETS)
            assert found["links"] and not found["close"], f"/{path}: term links with overlapping 44 px targets: {found}"
            assert not found["hrefless"], f"/{path}: term links without href (Lighthouse: crawlable-anchors)"
            unlinked += found["unlinked"]
            desktop.goto(base_url + path, wait_until="load")
            desktop.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            mouse = chromium_eval(desktop, JS_TARGETS)
            assert mouse["unlinked"] == 0, f"/{path}: a mouse lost {mouse['unlinked']} term links"
            assert mouse["close"], f"/{path}: at 390 px the targets overlap before spacing; the check sees nothing"
    finally:
        desktop.close()
    assert unlinked, "no term was unlinked: the pages had overlapping targets at 390 px"


def test_a_tap_on_a_term_shows_its_definition_in_place(phone, base_url):
    phone.goto(base_url + "qa/definition/", wait_until="load")
    term = phone.locator("article a.glossary-term").first
    href, title = term.get_attribute("href"), term.get_attribute("title")
    term.tap()
    pop = phone.locator(".term-pop")
    assert pop.is_visible()
    assert phone.url.endswith("/qa/definition/"), "the tap must not leave the page"
    assert title.split("：", 1)[1] in pop.text_content()
    entry = pop.locator("a")
    assert entry.evaluate("a => a.href") == term.evaluate("a => a.href") and "#" in href
    box, viewport = pop.bounding_box(), phone.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], "the popup fits the phone"
    assert entry.bounding_box()["height"] >= 43.5
    phone.keyboard.press("Escape")
    assert pop.count() == 0
    term.tap()
    phone.locator("h1").tap()
    assert phone.locator(".term-pop").count() == 0, "a tap elsewhere closes it"
    term.tap()
    phone.locator(".term-pop a").tap()
    phone.wait_for_url("**/glossary/**")


def test_the_term_script_is_small_and_only_where_terms_are(site):
    script = site / "assets" / "terms.js"
    import gzip

    assert len(gzip.compress(script.read_bytes())) < 1500
    for path in ("qa/definition/index.html", "index.html"):
        assert 'src="' in (html := (site / path).read_text(encoding="utf-8")) and "terms.js" in html
    assert "terms.js" not in (site / "glossary" / "index.html").read_text(encoding="utf-8")


# --- WebKit ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def webkit(site):
    """A WebKitGTK WebDriver session on its own Xvfb display, on a copy of the site whose key pages
    record script errors from their first line (window.__errors)."""
    if not Path(WEBKIT_DRIVER).exists():
        missing(f"WebKit: {WEBKIT_DRIVER} not found (apt-get install -y webkit2gtk-driver)")
    if not shutil.which("Xvfb"):
        missing("WebKit: Xvfb not found (apt-get install -y xvfb)")
    try:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service
    except ImportError:
        missing("WebKit: selenium is not installed (tests/requirements.txt)")
    import tempfile

    copy = Path(tempfile.mkdtemp(prefix="webkit-site-")) / "site"
    shutil.copytree(site, copy)
    for path in KEY_PAGES:
        page = copy / path / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>" + CAPTURE, 1), encoding="utf-8")
    (copy / "__phone.html").write_text(PHONE_FRAME, encoding="utf-8")
    url, stop = serve(copy)
    # A display of its own: the first number with neither a lock nor a socket.
    number = next(n for n in range(99, 400) if not Path(f"/tmp/.X{n}-lock").exists()
                  and not Path(f"/tmp/.X11-unix/X{n}").exists())
    xvfb_log = copy.parent / "xvfb.log"
    with open(xvfb_log, "wb") as log:
        xvfb = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                                stdout=log, stderr=log, start_new_session=True)
    socket = Path(f"/tmp/.X11-unix/X{number}")
    while not socket.exists() and xvfb.poll() is None:  # ready once its socket exists
        time.sleep(0.05)
    if xvfb.poll() is not None:
        missing(f"WebKit: Xvfb did not start: {xvfb_log.read_text(errors='replace')[-500:]}")
    display = str(number)
    options = Options()
    options.add_argument("--automation")
    service = Service(WEBKIT_DRIVER, env={**os.environ, "DISPLAY": f":{display}"})
    driver = webdriver.WebKitGTK(options=options, service=service)
    driver.set_window_size(PHONE["width"], PHONE["height"])
    driver.set_script_timeout(60)
    driver.set_page_load_timeout(60)
    try:
        yield driver, url
    finally:
        driver.quit()
        xvfb.terminate()
        xvfb.wait()
        stop()
        shutil.rmtree(copy.parent, ignore_errors=True)


def on_phone(driver, url: str, path: str) -> None:
    """Open a page in the 390 px frame and switch into it (the wrapper's load waits for the frame's)."""
    driver.switch_to.default_content()
    driver.get(f"{url}__phone.html?/{path}")
    driver.switch_to.frame("phone")
    assert driver.execute_script("return location.pathname") == f"/{path}"


def test_webkit_term_links_are_underlined_in_the_sites_font(webkit):
    driver, url = webkit
    on_phone(driver, url, "qa/definition/")
    found = driver.execute_script(JS_STYLES)
    assert found["line"] == "underline" and found["style"] == "dotted", found
    assert '"PingFang SC"' in found["text"] and '"Noto Sans CJK SC"' in found["text"], found["text"]
    assert found["code"].startswith("ui-monospace"), found["code"]


def test_webkit_pages_run_without_script_errors(webkit):
    driver, url = webkit
    errors = {}
    for path in KEY_PAGES:
        on_phone(driver, url, path)
        found = driver.execute_script("return window.__errors")
        assert found is not None, f"/{path}: the error recorder did not run"
        if found:
            errors[path] = found
    assert not errors, errors


def test_webkit_headings_break_between_words(webkit, words):
    driver, url = webkit
    bad, alone = [], []
    for path in HEADING_PAGES:
        on_phone(driver, url, path)
        assert driver.execute_script("return document.documentElement.clientWidth") <= PHONE["width"]
        headings = driver.execute_script(JS_HEADINGS)
        bad += [f"/{path}: {b}" for b in bad_breaks(headings, words)]
        alone += [f"/{path}: {text}" for text, _, lone in headings if lone]
    assert not bad, f"headings broken inside a word at 390 px: {bad}"
    assert not alone, f"headings with their ¶ alone on a line: {alone}"


def test_webkit_touch_targets_and_term_tap(webkit):
    driver, url = webkit
    on_phone(driver, url, "glossary/models/")
    found = driver.execute_script(JS_TARGETS)
    assert min(found["chips"]) >= 43.5, found["chips"]
    on_phone(driver, url, "qa/definition/")
    found = driver.execute_script(JS_TARGETS)
    # WebKitGTK has a mouse: every term stays linked (an iPhone's coarse pointer gets the spacing
    # tested in Chromium), and the build keeps links on one line apart.
    assert found["links"] and found["unlinked"] == 0 and not found["sameLine"], found
    driver.execute_script("document.querySelector('article a.glossary-term').click()")
    text = driver.execute_script("const p = document.querySelector('.term-pop'); return p && p.textContent")
    assert text and "查看术语表条目" in text
    assert driver.execute_script("return location.pathname") == "/qa/definition/"


def test_webkit_search_ranks_as_chromium_does(webkit, browser, base_url):
    from selenium.webdriver.support.ui import WebDriverWait

    driver, url = webkit
    page = browser.new_page(viewport=PHONE)
    try:
        driver.switch_to.default_content()
        for query in QUERIES:
            driver.get(url)
            driver.execute_script("const query = arguments[0];" + JS_SEARCH, query)
            webkit_top = WebDriverWait(driver, 30).until(lambda d: d.execute_script(JS_RESULT))
            page.goto(base_url)
            page.evaluate(f"(query) => {{ {JS_SEARCH} }}", query)
            page.wait_for_function(f"() => {{ {JS_RESULT} }}")
            chromium_top = chromium_eval(page, JS_RESULT)
            assert webkit_top == chromium_top, f"{query!r}: WebKit {webkit_top}, Chromium {chromium_top}"
    finally:
        page.close()
