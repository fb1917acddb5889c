"""The promises of the built site: the author's text complete, one page per question at a
stable ASCII URL, a glossary linked from the text, stable heading ids, link previews on every
page, nothing loaded from other hosts, prev/next through the whole article."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, seed_article

QUESTION_IDS = ["definition", "principles", "nlp", "vision", "speech", "training", "medical"]
POSITIONAL_ID = re.compile(r"^_?\d*$|_\d+$")


def normalise(text: str) -> str:
    """Compare text ignoring whitespace (incl. CJK/Latin spacing) and Markdown emphasis."""
    return re.sub(r"\s+", "", text.replace("**", "").replace("¶", ""))


def seed_units() -> list[tuple[str, str]]:
    """Every heading, paragraph and bullet of the seed outside code blocks: (kind, text)."""
    units, in_code, paragraph = [], False, []
    for line in seed_article().splitlines() + [""]:
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        if not line.strip() or line.startswith(("#", "- ")):
            if paragraph:
                units.append(("paragraph", " ".join(paragraph)))
                paragraph = []
            if line.startswith("#"):
                units.append(("heading", line.lstrip("#").strip()))
            elif line.startswith("- "):
                units.append(("bullet", line[2:]))
        else:
            paragraph.append(line.strip())
    return units


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name == "index.html" or p.name == "404.html")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def article(doc: BeautifulSoup):
    return doc.select_one("article.md-content__inner")


def test_strict_build_has_no_warnings(build):
    assert "WARNING" not in build.log, build.log


def test_seed_has_the_expected_shape():
    kinds = [kind for kind, _ in seed_units()]
    # 1 title + 引言 + 2 section headings + 7 + 2 questions + 总结 = 14 headings
    assert kinds.count("heading") == 14
    assert kinds.count("bullet") == 25


@pytest.mark.parametrize("kind,text", seed_units(), ids=lambda v: v[:12] if isinstance(v, str) else v)
def test_every_seed_unit_is_published(site, kind, text):
    wanted = normalise(text)
    for path in pages(site):
        doc = soup(path)
        body = article(doc)
        if body is None:
            continue
        if kind == "heading":
            texts = [normalise(h.get_text()) for h in body.find_all(re.compile("^h[1-6]$"))]
            if wanted in texts:
                return
        elif wanted in normalise(body.get_text()):
            return
    pytest.fail(f"seed {kind} not found in any page: {text}")


@pytest.mark.parametrize("question_id", QUESTION_IDS)
def test_question_has_its_own_page_at_an_ascii_url(site, question_id):
    path = site / "qa" / question_id / "index.html"
    assert path.exists(), f"/qa/{question_id}/ missing"
    doc = soup(path)
    h1 = doc.select_one("article h1")
    assert h1 is not None and h1.get("id") == question_id
    assert normalise(h1.get_text()).endswith("？")
    addition = doc.select_one("article .site-addition")
    assert addition is not None, "related terms and questions must be marked as the site's addition"
    assert "本站补充" in addition.get_text()
    assert addition.select('a[href*="glossary/"][href*="/#"]'), "no related terms"
    assert addition.select('a[href^="../"]:not([href*="glossary"])'), "no related questions"


def test_question_overview_lists_all_seven_in_order(site):
    body = article(soup(site / "qa" / "index.html"))
    hrefs = [a["href"] for a in body.select("li > a:not(.glossary-term)")]
    assert hrefs == [f"{q}/" for q in QUESTION_IDS]


def glossary_data() -> dict:
    return yaml.safe_load((ROOT / "docs" / "glossary.yml").read_text(encoding="utf-8"))


def entry_url(term: dict) -> str:
    """Site-relative URL of a term's entry: its category's page, anchored at the term id."""
    return f"glossary/{term['category']}/#{term['id']}"


def test_glossary_has_every_term_under_its_own_id(site):
    """Each term's entry is a heading with the term's id on its category's page; the index page
    names every term in a heading with the same id (what search finds, and where links shared
    before the split, /glossary/#<id>, land), a link to the entry."""
    terms = glossary_data()["terms"]
    assert len(terms) >= 110
    index = soup(site / "glossary" / "index.html")
    pages: dict[str, BeautifulSoup] = {}
    for term in terms:
        doc = pages.setdefault(term["category"], soup(site / "glossary" / term["category"] / "index.html"))
        heading = doc.find(id=term["id"])
        assert heading is not None and heading.name == "h2", term["id"]
        assert term["zh"] in heading.get_text()
        listed = index.find(id=term["id"])
        assert listed is not None and listed.name == "h3", term["id"]
        assert listed.find_parent(class_="glossary-terms") is not None, term["id"]
        link = listed.find("a", class_=lambda c: c != "headerlink")
        assert urljoin("/glossary/", link["href"]) == "/" + entry_url(term), term["id"]
        assert term["zh"] in link.get_text() and term["en"] in link.get_text(), term["id"]


def entry_of(doc: BeautifulSoup, term_id: str) -> list:
    """The elements of one entry: from its heading up to the next heading."""
    heading = doc.find(id=term_id)
    parts = []
    for element in heading.find_next_siblings():
        if element.name in ("h1", "h2"):
            break
        parts.append(element)
    return parts


def test_sources_are_shown_with_their_entries(site):
    """A term with a source shows it in its entry: the title as a link, then the year."""
    terms = [t for t in glossary_data()["terms"] if "source" in t]
    assert len(terms) >= 25
    for term in terms:
        source = term["source"]
        entry = entry_of(soup(site / "glossary" / term["category"] / "index.html"), term["id"])
        shown = [p for p in entry if p.get_text().startswith("来源：")]
        assert len(shown) == 1, f"{term['id']}: no 来源 line"
        link = shown[0].find("a", href=source["url"])
        assert link is not None and link.get_text() == source["title"], term["id"]
        assert shown[0].get_text().endswith(f"（{source['year']}）"), term["id"]


def test_definitions_link_the_other_terms_they_use(site):
    """On the category pages a definition links the first use (on that page) of another term, so a
    term that no page uses is reached from the definitions that use it; no entry links itself."""
    data = glossary_data()
    terms = {t["id"]: t for t in data["terms"]}
    targets = set()
    for category in {t["category"] for t in terms.values()}:
        body = article(soup(site / "glossary" / category / "index.html"))
        for link in body.select("a.glossary-term"):
            target = urljoin(f"/glossary/{category}/", link["href"]).lstrip("/")
            own = link.find_previous("h2")
            assert own is not None and target != entry_url(terms[own["id"]]), f"{own['id']} links itself"
            targets.add(target)
    in_bank = {term for path in (ROOT / "docs" / "bank").glob("*/*.md")
               for term in (yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1]) or {}).get("terms", [])
               if path.stem != "index"}
    without_pages = [t for t in terms.values() if not t["questions"] and t["id"] not in in_bank]
    assert without_pages, "the data has no term that only definitions use: this test checks nothing"
    for term in without_pages:
        assert entry_url(term) in targets, f"{term['id']}: no page uses it and no definition links it"


def page_path(site: Path, page_id: str) -> Path:
    """The built page for a glossary `questions` id (see hooks/content.py page_id)."""
    if page_id == "home":
        return site / "index.html"
    for candidate in (site / page_id, site / "qa" / page_id, site / "code" / page_id):
        if (candidate / "index.html").exists():
            return candidate / "index.html"
    raise AssertionError(f"no page for id {page_id!r}")


def term_names(term: dict) -> list[str]:
    return [term["zh"], term["en"], *term["abbr"], *term["aliases"]]


def names_pattern(term: dict, flags: int = 0) -> re.Pattern:
    """As the term links read names: Latin ones as whole words and in any case."""
    names = term_names(term)
    parts = [rf"(?<![A-Za-z0-9_])(?i:{re.escape(n)})(?![A-Za-z0-9_])" if re.search("[A-Za-z0-9]", n)
             else re.escape(n) for n in names]
    return re.compile("|".join(parts), flags)


def test_each_term_is_linked_where_first_used(site):
    """For every page a term lists: the term occurs there (code counts), and its first use in
    prose is linked, unless every use sits inside a longer term's link (神经网络 in 卷积神经网络)."""
    problems, linked_somewhere = [], set()
    terms = glossary_data()["terms"]
    for term in terms:
        pattern = names_pattern(term)
        # Longer terms that contain this one (卷积神经网络 for 神经网络) take its place in the text.
        own = term_names(term)
        longer = sorted({n for other in terms if other is not term for n in term_names(other)
                         if any(m in n and m != n for m in own)}, key=len, reverse=True)
        for page_id in term["questions"]:
            body = article(soup(page_path(site, page_id)))
            for block in body.select(".site-addition:has(#related-terms)"):
                block.decompose()  # the generated list of related terms is not a use
            if not names_pattern(term, re.I).search(body.get_text()):  # relu in code is ReLU
                problems.append(f"{term['id']}: not used on {page_id}")
                continue
            # Only prose gets links: not code, headings or text that is already a link.
            for skipped in body.select("pre, code, h1, h2, h3, h4, h5, h6, table, a:not(.glossary-term)"):
                skipped.decompose()
            links = body.select(f'a.glossary-term[href$="{entry_url(term)}"]')
            if len(links) > 1:
                problems.append(f"{term['id']}: linked {len(links)} times on {page_id}")
            elif links:
                linked_somewhere.add(term["id"])
            else:
                for other in body.select("a.glossary-term"):
                    other.replace_with("\0")  # where another term's link sits
                text = body.get_text()
                for name in longer:
                    text = re.sub(re.escape(name), "", text, flags=re.I)
                # A use within TERM_GAP characters of another term's link is left unlinked (two
                # touch targets closer than a finger); any other use should have been linked.
                gap = 2
                if any("\0" not in text[max(0, m.start() - gap):m.start()] + text[m.end():m.end() + gap]
                       for m in pattern.finditer(text)):
                    problems.append(f"{term['id']}: used in prose but not linked on {page_id}")
    assert not problems, "\n".join(problems)
    assert len(linked_somewhere) >= 40


def test_term_links_stay_out_of_headings_code_and_links(site):
    for path in pages(site):
        for link in soup(path).select("a.glossary-term"):
            bad = link.find_parent(["h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "a", "table"])
            assert bad is None, f"{path}: term link inside <{bad.name}>"
            assert link.get("title"), f"{path}: term link without tooltip"


def test_heading_ids_are_present_unique_and_not_positional(site):
    problems = []
    for path in pages(site):
        body = article(soup(path))
        if body is None:
            continue
        ids = []
        for heading in body.find_all(re.compile("^h[1-6]$")):
            hid = heading.get("id", "")
            if POSITIONAL_ID.search(hid):
                problems.append(f"{path.relative_to(site)}: {heading.get_text(strip=True)!r} id={hid!r}")
            ids.append(hid)
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            problems.append(f"{path.relative_to(site)}: duplicate ids {dupes}")
    assert not problems, "\n".join(problems)


def test_hand_chosen_ascii_ids(site):
    for path in pages(site):
        body = article(soup(path))
        if body is None:
            continue
        for heading in body.find_all(["h1", "h2"]):
            if heading.get("id", "").startswith("tag:"):
                continue  # the tags index: Material's tags plugin names each anchor after its tag
            assert heading.get("id", "").isascii(), f"{path.relative_to(site)}: {heading}"


def test_table_of_contents_links_resolve(site):
    for path in pages(site):
        doc = soup(path)
        ids = {el["id"] for el in doc.find_all(id=True)}
        for link in doc.select("nav.md-nav--secondary a.md-nav__link"):
            anchor = link["href"].split("#", 1)[1]
            assert anchor in ids, f"{path.relative_to(site)}: TOC link #{anchor} has no target"


def test_every_page_has_its_own_description_and_previews(site):
    descriptions = {}
    for path in pages(site):
        doc = soup(path)
        assert doc.html.get("lang") == "zh", path
        meta = {
            (m.get("name") or m.get("property")): m.get("content", "")
            for m in doc.find_all("meta")
            if m.get("name") or m.get("property")
        }
        for key in ("description", "og:title", "og:description", "og:url", "og:type", "twitter:card"):
            assert meta.get(key, "").strip(), f"{path.relative_to(site)}: no {key}"
        if path.name == "index.html":
            descriptions.setdefault(meta["description"], []).append(str(path.relative_to(site)))
            assert meta["og:url"].endswith(str(path.parent.relative_to(site)).strip(".") + "/") or path.parent == site
    shared = {d: p for d, p in descriptions.items() if len(p) > 1}
    assert not shared, f"pages sharing a description: {shared}"


def test_question_preview_shows_the_question(site):
    doc = soup(site / "qa" / "medical" / "index.html")
    title = doc.find("meta", property="og:title")["content"]
    assert title == "7. 多模态大模型在医疗领域的应用有哪些？"


EXTERNAL = re.compile(r"(?:https?:)?//(?!127\.0\.0\.1)[a-z0-9.-]+\.[a-z]{2,}", re.I)


def test_no_external_scripts_styles_or_fonts(site):
    offenders = []
    for path in pages(site):
        doc = soup(path)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for el in doc.find_all(tag):
                value = el.get(attr, "")
                if tag == "link" and not set(el.get("rel", [])) & {"stylesheet", "preload", "preconnect", "icon", "modulepreload"}:
                    continue
                if EXTERNAL.match(value):
                    offenders.append(f"{path.relative_to(site)}: <{tag} {attr}={value}>")
        for style in doc.find_all("style"):
            offenders += [f"{path.relative_to(site)}: {u}" for u in re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]+", style.text)]
    for css in site.rglob("*.css"):
        for url in re.findall(r"(?:@import|url\()\s*['\"]?((?:https?:)?//[^'\")]+)", css.read_text(encoding="utf-8")):
            offenders.append(f"{css.relative_to(site)}: {url}")
    assert not offenders, "\n".join(offenders)


def nav_order(site: Path) -> list[str]:
    """Site-relative URLs in reading order: the footer's "next" links walked from the home page
    (each page's own nav lists only its open section: navigation.prune)."""
    urls, here = [""], ""
    while True:
        link = soup(site / here / "index.html").select_one("a.md-footer__link--next[href]")
        if link is None:
            return urls
        here = urljoin("/" + here, link["href"]).lstrip("/")
        assert here not in urls, f"the next links loop at /{here}"
        urls.append(here)


def test_prev_next_links_walk_the_whole_article(site):
    """The next links walk every page once, from the home page to 关于; the previous links walk back."""
    order = nav_order(site)
    assert order[:2] == ["", "qa/"] and "glossary/" in order and order[-1] == "about/"
    built = {p.relative_to(site).parent.as_posix() + "/" for p in site.rglob("index.html")} - {"./"}
    assert set(order) - {""} == built, sorted(built ^ (set(order) - {""}))
    for here, there in zip(order, order[1:]):
        doc = soup(site / there / "index.html")
        prev = doc.select_one("a.md-footer__link--prev")
        assert prev is not None, f"/{there} has no previous link"
        target = urljoin("/" + there, prev["href"]).lstrip("/")
        assert target == here, f"/{there} previous -> /{target}, expected /{here}"


def test_chinese_404_page(site):
    doc = soup(site / "404.html")
    assert doc.html.get("lang") == "zh"
    assert "页面不存在" in doc.get_text()


def test_pages_load_nothing_from_other_hosts(browser, base_url, site):
    """0 third-party requests, measured in Chromium while each page loads."""
    foreign = []
    page = browser.new_page()
    page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
            and not r.url.startswith("data:") and foreign.append(r.url))
    for url in nav_order(site) + ["does-not-exist/"]:
        page.goto(base_url + url, wait_until="networkidle")
    page.close()
    assert not foreign, foreign


def phone_problems(page, url: str) -> list[str]:
    """What makes a page uncomfortable at phone width: sideways scroll, small text, a box wider
    than the screen (wide code and outputs must scroll inside their own box)."""
    problems = []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"/{url} scrolls sideways by {overflow}px")
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    if font < 14:
        problems.append(f"/{url} body text is {font}px")
    wide = page.evaluate("""() => [...document.querySelectorAll('article pre, article img, article table')]
        .filter(e => !e.closest('.table-scroll'))  // a table scrolls inside its own box
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map(e => e.tagName + ' ' + (e.className || '') + ' ' + Math.round(e.getBoundingClientRect().right))""")
    problems += [f"/{url}: {box} reaches past the screen's edge" for box in wide]
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_comfortable_on_a_375px_phone(browser, base_url, site, scheme):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True,
                                  color_scheme=scheme)
    page = context.new_page()
    problems = []
    for url in nav_order(site) + ["does-not-exist/"]:
        page.goto(base_url + url, wait_until="networkidle")
        problems += phone_problems(page, url)
    context.close()
    assert not problems, "\n".join(problems)


PHONE = {"viewport": {"width": 390, "height": 664}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
# Where a reader's finger goes: the centre of the element, if the element is on screen below the
# sticky header (so no scrolling is needed and nothing covers it); null otherwise.
ON_SCREEN = """selector => {
    const element = document.querySelector(selector);
    if (!element) return null;
    const box = element.getBoundingClientRect();
    const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
    if (box.top < header || box.bottom > window.innerHeight || box.width === 0) return null;
    return [box.left + box.width / 2, box.top + box.height / 2];
}"""


def tap(page, selector: str) -> bool:
    """Tap the element where it is on screen; False if it is not on screen."""
    point = page.evaluate(ON_SCREEN, selector)
    if point is None:
        return False
    page.touchscreen.tap(*point)
    return True


def test_any_term_is_two_taps_from_the_glossary_top_on_a_phone(browser, base_url):
    """390 px wide, 664 px tall (an iPhone's visible area with Safari's bars): from the top of
    /glossary/, tap 1 is the term's category (on screen without scrolling), tap 2 the term's name at
    the top of the category page; then the term's heading is on screen. Taps go to screen
    coordinates, so an element hidden under the header or off screen cannot be tapped."""
    terms = glossary_data()["terms"]
    context = browser.new_context(**PHONE)
    page = context.new_page()
    problems = []
    try:
        for category in dict.fromkeys(t["category"] for t in terms):
            page.goto(base_url + "glossary/", wait_until="domcontentloaded")
            if not tap(page, f'.glossary-categories a[href="{category}/"]'):
                problems.append(f"{category}: not on the first screen of /glossary/")
                continue
            page.wait_for_url(f"**/glossary/{category}/", wait_until="domcontentloaded")
            for term in (t for t in terms if t["category"] == category):
                page.evaluate("window.scrollTo(0, 0)")  # back to the top of the category page
                if not tap(page, f'.glossary-index a[href="#{term["id"]}"]'):
                    problems.append(f"{term['id']}: not on the first screen of /glossary/{category}/")
                    continue
                page.wait_for_url(f"**/glossary/{category}/#{term['id']}")
                if page.evaluate(ON_SCREEN, f'h2[id="{term["id"]}"]') is None:
                    problems.append(f"{term['id']}: heading not on screen after the second tap")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_links_to_the_one_page_glossary_open_the_entry(browser, base_url):
    """Links shared before the glossary was split (/glossary/#<term>) open the term's entry: the
    first term of each category here; that the index holds every term's id and links it to the
    entry is checked for all terms in test_glossary_has_every_term_under_its_own_id."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    terms = list({t["category"]: t for t in reversed(glossary_data()["terms"])}.values())
    page = browser.new_page()
    wrong = []
    try:
        for term in terms:
            page.goto(base_url + f"glossary/#{term['id']}", wait_until="commit")
            try:
                page.wait_for_url(f"**/{entry_url(term)}", wait_until="domcontentloaded", timeout=5000)
            except PlaywrightTimeout:
                wrong.append(f"{term['id']}: stayed at {page.url}")
        page.goto(base_url + "glossary/#models", wait_until="domcontentloaded")  # a category anchor stays
        if page.url != base_url + "glossary/#models":
            wrong.append(f"#models: {page.url}")
    finally:
        page.close()
    assert not wrong, "\n".join(wrong)
