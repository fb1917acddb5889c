"""MkDocs hook: 自测 on the question pages and the deck of the 练习 page.

- On every question page (the article's seven and each 延伸题库 question) the answer parts are
  wrapped in <div class="selftest-answer" data-card="…">: on an article page the author's 答案
  (everything between the title and the first 本站补充 block; the text itself is untouched), on a
  bank page the 速答 and 详解 together, and each 追问's answer. Without JavaScript nothing changes
  on screen; docs/assets/practice.js adds the 自测 switch that hides them.
- practice/deck.json, fetched by the 练习 page alone, is made from the same HTML and from the
  glossary: one card per question, 追问 and glossary term (a term is practised both ways). Cards
  are keyed by stable ids (q:<page id>, f:<page id>#<追问 anchor>, t:<term id>), never by
  position, so a reader's progress survives a rebuild that adds, removes or reorders pages.
- The script is linked only from the pages that use it.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

import content

SCRIPT = "assets/practice.js"
PRACTICE_PAGE = "practice.md"
DECK = "practice/deck.json"
ARTICLE_GROUP = "原文面试题"
DECK_VERSION = 1
ARTICLE_QUESTION = re.compile(r"^qa/(?!index\.md)[^/]+\.md$")
H = re.compile(r'<h([1-6]) id="([^"]+)"[^>]*>.*?</h\1>', re.S)
SITE_ADDITION = '<div class="site-addition">'
TERM_LINK = re.compile(r'<a class="glossary-term"[^>]*>(.*?)</a>', re.S)
HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_state: dict = {}


def on_files(files, config, **kwargs):
    _state["site"] = content.load_site(files, config)
    _state["cards"] = {}
    _state["groups"] = {}
    return files


def _clean(fragment: str) -> str:
    """A card's HTML: the page's, without term links (their tooltips hold whole definitions)."""
    fragment = TERM_LINK.sub(r"\1", fragment)
    fragment = HEADERLINK.sub("", fragment)
    return re.sub(r"\n\s*\n", "\n", fragment).strip()


def _heading_text(tag: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", HEADERLINK.sub("", tag))).strip()


def _wrap(page_html: str, start: int, end: int, key: str) -> tuple[str, str]:
    inner = page_html[start:end]
    wrapped = f'<div class="selftest-answer" data-card="{key}">{inner}</div>'
    return page_html[:start] + wrapped + page_html[end:], inner


def _bank_cards(page_html: str, page_id: str, url: str) -> str:
    question = _state["site"].bank[page_id]
    group = _state["groups"][page_id]
    heads = {m.group(2): m for m in H.finditer(page_html)}
    # Follow-ups first (from the end), so earlier offsets stay valid.
    follow_ups = list(question.follow_ups)
    ends = [heads[f.id].start() for f in follow_ups[1:]] + [heads[content.REFERENCES[1]].start()]
    for follow_up, end in reversed(list(zip(follow_ups, ends))):
        page_html, inner = _wrap(page_html, heads[follow_up.id].end(), end, f"f:{page_id}#{follow_up.id}")
        _state["cards"][f"f:{page_id}#{follow_up.id}"] = {
            "kind": "follow-up", "group": group, "difficulty": question.difficulty, "frequency": question.frequency,
            "front": _heading_text(heads[follow_up.id].group(0)), "back": _clean(inner),
            "url": f"{url}#{follow_up.id}", "from": question.title}
    heads = {m.group(2): m for m in H.finditer(page_html)}
    quick, detail = heads["quick"], heads["detail"]
    back = _clean(page_html[quick.end():detail.start()])  # the 速答; the page shows 详解 too
    page_html, _ = _wrap(page_html, quick.end(), heads["follow-up"].start(), f"q:{page_id}")
    _state["cards"][f"q:{page_id}"] = {
        "kind": "question", "group": group, "difficulty": question.difficulty, "frequency": question.frequency,
        "front": question.title, "back": back, "url": url}
    return page_html


def _article_card(page_html: str, page_id: str, url: str) -> str:
    title = next(H.finditer(page_html))
    end = page_html.find(SITE_ADDITION, title.end())
    end = len(page_html) if end < 0 else end
    page_html, inner = _wrap(page_html, title.end(), end, f"q:{page_id}")
    _state["cards"][f"q:{page_id}"] = {"kind": "question", "group": ARTICLE_GROUP, "front":
                                       _state["site"].pages[page_id].title, "back": _clean(inner), "url": url}
    return page_html


def on_nav(nav, config, files, **kwargs):
    """Each bank question's group is its nav section: "延伸题库 · Transformer 基础"."""
    _state["order"] = [content.page_id(page.file.src_uri) for page in nav.pages]
    for page in nav.pages:
        uri = page.file.src_uri
        if content.is_bank_question(uri) and page.parent is not None:
            _state["groups"][content.page_id(uri)] = f"延伸题库 · {page.parent.title}"
    return nav


@event_priority(-95)  # after the term links (glossary.py) and typography.py
def on_page_content(page_html: str, page, config, files, **kwargs):
    uri, page_id = page.file.src_uri, content.page_id(page.file.src_uri)
    if content.is_bank_question(uri) and page_id in _state["site"].bank:
        page_html = _bank_cards(page_html, page_id, page.url)
    elif ARTICLE_QUESTION.match(uri):
        page_html = _article_card(page_html, page_id, page.url)
    else:
        return page_html
    page.meta["practice_script"] = True
    return page_html


def on_post_page(output: str, page, config, **kwargs):
    if page.meta.get("practice_script") or page.file.src_uri == PRACTICE_PAGE:
        src = get_relative_url(SCRIPT, page.url)
        output = output.replace("</body>", f'<script src="{src}" defer></script></body>', 1)
    return output


MATHML_NOISE = re.compile(r' (?:xmlns="[^"]*"|alttext="[^"]*"|data-search-exclude|stretchy="false")')
HEX_ENTITY = re.compile(r"&#x0*([0-9A-Fa-f]+);")


def _compact(fragment: str) -> str:
    """Smaller card HTML: MathML without the attributes a browser does not need in HTML."""
    fragment = MATHML_NOISE.sub("", fragment)
    return HEX_ENTITY.sub(lambda m: html.escape(chr(int(m.group(1), 16)), quote=False), fragment)


SCRIPTS = ("assets/practice.js", "assets/terms.js")  # the site's own scripts, as docs/ has them
BLOCK_COMMENT = re.compile(r"^\s*/\*.*?\*/\s*\n", re.S | re.M)


def _slim_scripts(site_dir: Path) -> None:
    """The site's scripts ship without their comments and indentation (question pages load them)."""
    for name in SCRIPTS:
        path = site_dir / name
        if not path.exists():
            continue
        code = BLOCK_COMMENT.sub("", path.read_text(encoding="utf-8"))
        lines = (line.strip() for line in code.splitlines())
        path.write_text("\n".join(line for line in lines if line and not line.startswith("//")) + "\n",
                        encoding="utf-8")


def on_post_build(config, **kwargs):
    """practice/deck.json: every card's key, group, difficulty and frequency (enough to filter,
    order and count progress), and practice/cards/<group>.json: the cards' text, one file per
    group, fetched when a card of that group is drawn. The 练习 page downloads its index and the
    groups it shows, not every answer at once."""
    site = _state["site"]
    cards = dict(_state["cards"])
    for term in site.glossary.terms:
        category = site.glossary.categories[term.category]
        cards[f"t:{term.id}"] = {"kind": "term", "group": f"术语表 · {category}", "front": term.heading,
                                 "back": term.definition, "url": f"{content.GLOSSARY_DIR}/{term.category}/#{term.id}"}
    groups = [ARTICLE_GROUP] + list(dict.fromkeys(_state["groups"].values()))
    groups += [f"术语表 · {name}" for cid, name in site.glossary.categories.items()
               if any(t.category == cid for t in site.glossary.terms)]
    order = {page_id: n for n, page_id in enumerate(_state["order"])}
    terms = {f"t:{t.id}": n for n, t in enumerate(site.glossary.terms)}
    follow_ups = {f"f:{q.id}#{f.id}": n + 1 for q in site.bank.values() for n, f in enumerate(q.follow_ups)}

    def reading_order(key: str):
        """Groups in nav order; in a group, each question before its 追问, pages as the nav has them."""
        page_id = key[2:].split("#")[0]
        return (groups.index(cards[key]["group"]), terms.get(key, order.get(page_id, 0)), follow_ups.get(key, 0))

    index, texts = {}, [{} for _ in groups]
    for key in sorted(cards, key=reading_order):
        card = cards[key]
        group = groups.index(card["group"])
        index[key] = [group, card.get("difficulty", 0), content.FREQUENCIES.index(card["frequency"])
                      if "frequency" in card else -1]
        texts[group][key] = [card["front"], _compact(card["back"]), card["url"], card.get("from", "")]
    _slim_scripts(Path(config["site_dir"]))
    out = Path(config["site_dir"]) / DECK
    (out.parent / "cards").mkdir(parents=True, exist_ok=True)
    deck = {"version": DECK_VERSION, "groups": groups, "frequencies": list(content.FREQUENCIES), "cards": index}
    out.write_text(json.dumps(deck, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    for number, chunk in enumerate(texts):
        (out.parent / "cards" / f"{number}.json").write_text(
            json.dumps(chunk, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
