"""MkDocs hook: docs/glossary.yml drives the glossary pages, term links and search segmentation.

- on_config: every Chinese term name goes into jieba's dictionary, which Material's search
  plugin uses to cut Chinese text into index tokens, so "自注意力机制" stays one token. The nav
  entry of the glossary (glossary/index.md) becomes a section with one page per category.
- on_files: the glossary is generated: an index page (glossary/index.md: the categories, then
  every term by its full name and aliases, each a link to its entry; what search indexes) and one
  page per category (glossary/<category>.md) with the entries, out of the search index. One page
  with every entry would be too heavy for a phone.
- on_page_content: the first use of each term on a page links to its entry, with the
  definition as native tooltip; never in headings, code or links, and not right after another
  term link (TERM_GAP). On the category pages the definitions link the other terms they use.
- on_post_page: a page with term links loads docs/assets/terms.js: a tap on a term shows its
  definition in place, with a link to the entry (phones show no tooltips).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import jieba
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

import content

# Text inside these elements is never linked.
SKIP_TAGS = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "kbd",
             "svg", "button", "textarea", "title", "abbr", "math",
             # Table cells are too cramped for touch targets, and a comparison table's dozens of
             # definitions (the links' tooltips) pushed its page over the 100 KB budget.
             "table"}
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
HAN = re.compile(r"[\u4e00-\u9fff]")
# Blocks that get no term links: the generated list of related terms (hooks/pages.py), which
# already links each term, and lists of pages (overviews, related questions): links among links.
UNLINKED_BLOCKS = re.compile(r'<div class="(?:related-terms|page-list)"[^>]*>.*?</div>', re.S)
# Characters between two term links in a run of text: at 16 px a character, a 2-character term
# 2 characters after another keeps the 44 px touch targets centred on each apart.
TERM_GAP = 2
QUOTED_TITLE = re.compile(r"《[^《》]*》")  # a work's title is quoted as written, not annotated
# On a category page each entry starts with its heading; the entry never links its own term.
ENTRY_HEADING = re.compile(r'<h2 id="([a-z0-9-]+)"')

# Links shared before the glossary had one page per category (/glossary/#<term>) land on the
# term's name in the index; this sends them on to the entry itself.
OLD_PERMALINKS = ('<script>(function(){var t=document.getElementById(decodeURIComponent('
                  'location.hash.slice(1))),a=t&&t.closest(".glossary-terms")&&t.querySelector("a:not(.headerlink)");'
                  'if(a)location.replace(a.href)})()</script>')


TERM_SCRIPT = "assets/terms.js"  # in docs/: a tap on a term link shows its definition
_state: dict = {}


def _glossary() -> content.Glossary:
    return _state["site"].glossary


def _expand_nav(nav: list, glossary: content.Glossary) -> None:
    """`- 术语表: glossary/index.md` in mkdocs.yml becomes that page plus one page per category."""
    found = 0
    for item in nav:
        if isinstance(item, dict) and list(item.values()) == [content.GLOSSARY_INDEX]:
            title = next(iter(item))
            used = {t.category for t in glossary.terms}
            item[title] = [content.GLOSSARY_INDEX] + [
                content.category_uri(category_id) for category_id in glossary.categories if category_id in used
            ]
            found += 1
    if found != 1:
        raise PluginError(f"mkdocs.yml: nav must list '{content.GLOSSARY_INDEX}' once at the top level "
                          "(hooks/glossary.py adds the category pages below it)")


@event_priority(100)  # before the search plugin builds its index
def on_config(config, **kwargs):
    path = Path(config["docs_dir"]) / content.GLOSSARY_FILE
    # Read without page checks here; on_files validates fully once the pages are known.
    glossary = content.load_glossary(path, None, f"docs/{content.GLOSSARY_FILE}")
    for term in glossary.terms:
        for name in term.names:
            if HAN.search(name):
                jieba.add_word(name, freq=200_000)
    if config["nav"]:
        _expand_nav(config["nav"], glossary)
    return config


def _markdown_text(text: str) -> str:
    return text.replace("[", r"\[").replace("]", r"\]")


def _groups(glossary: content.Glossary) -> list[tuple[str, str, list[content.Term]]]:
    """(category id, name, terms) for each category that has terms, in page order."""
    groups = []
    for category_id, name in glossary.categories.items():
        terms = [t for t in glossary.terms if t.category == category_id]
        if terms:
            groups.append((category_id, name, terms))
    return groups


def _term_index(uri: str, terms: list[content.Term]) -> list[str]:
    """A category page's own terms as a compact list of names, each a link to its entry."""
    out = ['<div class="glossary-index" markdown>', ""]
    out += [f"- [{_markdown_text(term.zh)}](#{term.id})" for term in terms]
    return out + ["", "</div>", ""]


def _index_markdown() -> str:
    glossary = _glossary()
    uri = content.GLOSSARY_INDEX
    groups = _groups(glossary)
    out = [
        "---",
        "description: 术语表：多模态大模型相关术语的中英文名称、缩写、定义和出处，按类别分页，每个术语都有固定链接。",
        "---",
        "",
        f"# 术语表 {{#{content.GLOSSARY_PAGE_ID}}}",
        "",
        '<div class="site-addition" markdown>',
        '<p class="site-addition__label">本站补充</p>',
        "",
        # The menu first, the description after it: on a phone every category is on the first
        # screen, one tap away (tests/test_site.py, two taps to any term).
        '<div class="glossary-categories" markdown>',
        "",
    ]
    for category_id, name, terms in groups:
        out.append(f'- [{name}<span class="glossary-count">{len(terms)}</span>]'
                   f"({content.relative(uri, content.category_uri(category_id))})")
    out += [
        "", "</div>", "",
        f"本站编写：原文、本站的代码示例和术语定义用到的 {len(glossary.terms)} 个术语，分 {len(groups)} 类，"
        "每类一页，每条有中英文名、缩写、定义、出处（有单一出处的）和用到它的页面。"
        "正文中的术语第一次出现时都链接到它的条目。",
        "", "</div>", "",
    ]
    # Every term by its full name, under the term's id: what search finds (one result group for
    # the whole glossary, at glossary/#<id>, as before the split) and where links shared before
    # the split land; a tap on the name, or the script, opens the entry on its category's page.
    for category_id, name, terms in groups:
        out += [f"## {name} {{#{category_id}}}", "", '<div class="glossary-terms" markdown>', ""]
        for term in terms:
            out += [f"### [{_markdown_text(term.heading)}]({content.relative(uri, term.uri, term.id)}) {{#{term.id}}}", ""]
            if term.aliases:
                out += ["别名：" + "、".join(term.aliases), ""]
        out += ["</div>", ""]
    out += [OLD_PERMALINKS, ""]
    return "\n".join(out)


def _category_markdown(category_id: str) -> str:
    glossary = _glossary()
    pages = _state["site"].pages
    uri = content.category_uri(category_id)
    name = glossary.categories[category_id]
    terms = [t for t in glossary.terms if t.category == category_id]
    users = _state["used_in_definitions"]
    by_id = {t.id: t for t in glossary.terms}
    examples = "、".join(t.zh for t in terms[:4])
    out = [
        "---",
        f"description: 术语表·{name}：{examples}等 {len(terms)} 个术语的中英文名称、缩写、定义和出处。",
        "search:",
        "  exclude: true  # found through the index page, which names every term",
        "---",
        "",
        f"# 术语表：{name} {{#{category_id}}}",
        "",
        '<div class="site-addition" markdown>',
        '<p class="site-addition__label">本站补充</p>',
        "",
        *_term_index(uri, terms),  # first, as on the index page: every term on the first screen
        f"[术语表]({content.relative(uri, content.GLOSSARY_INDEX)})的一类，共 {len(terms)} 条，由本站编写。",
        "",
        "</div>",
        "",
    ]
    for term in terms:
        out += [f"## {term.heading} {{#{term.id}}}", ""]
        if term.aliases:
            out += ["别名：" + "、".join(f"{a}" for a in term.aliases), ""]
        # The page is out of the search index as a whole (front matter above): the index is
        # downloaded when search opens, and terms are found by their names on the index page.
        out += [term.definition, ""]
        if term.source:
            source = term.source
            out += [f"来源：[{_markdown_text(source.title)}]({source.url})（{source.year}）", ""]
        if term.questions:
            used = "、".join(content.link(pages[q].title, content.relative(uri, pages[q].src_uri)) for q in term.questions)
            out += [f"出现在：{used}", ""]
        else:
            used = "、".join(f"[{by_id[u].zh}]({content.relative(uri, by_id[u].uri, u)})" for u in users[term.id])
            out += [f"出现在定义中：{used}", ""]
    return "\n".join(out)


def on_files(files: Files, config, **kwargs):
    _state["site"] = content.load_site(files, config)
    glossary = _glossary()
    _state["used_in_definitions"] = glossary.used_in_definitions()
    _state["pattern"] = content.term_pattern(glossary.terms)
    files.append(File.generated(config, content.GLOSSARY_INDEX, content=_index_markdown()))
    for category_id, _, _ in _groups(glossary):
        files.append(File.generated(config, content.category_uri(category_id),
                                    content=_category_markdown(category_id)))
    return files


def _link_terms(page_html: str, href: dict[str, str], linked: set[str], exclude: str = "",
                definition_tips: bool = True) -> str:
    """Link the first use of each term (ids in `linked` are done already) in text outside
    SKIP_TAGS; `href` maps a category id to the relative URL of its page. The tooltip holds the
    definition, or only the full name (definition_tips False: on the glossary pages, where the
    definition is one tap away and tooltips would make the page much heavier)."""
    terms = _glossary().terms
    by_name = content.terms_by_name(terms)
    pattern = _state["pattern"]

    def link(match: re.Match) -> str:
        term = by_name[match.group(0).casefold()]
        if term.id in linked or term.id == exclude:
            return match.group(0)
        linked.add(term.id)
        tip = html.escape(f"{term.heading}：{term.definition}" if definition_tips else term.heading, quote=True)
        return (f'<a class="glossary-term" href="{href[term.category]}#{term.id}" title="{tip}">'
                f"{match.group(0)}</a>")

    def link_prose(text: str, after_link: bool = False, before_link: bool = False) -> str:
        titles = [m.span() for m in QUOTED_TITLE.finditer(text)]
        out, last, linked_end = [], 0, 0 if after_link else -TERM_GAP
        for m in pattern.finditer(text):
            out.append(text[last:m.start()])
            last = m.end()
            # A term right next to another link is left for its next use: two adjacent links are
            # two touch targets closer than a finger ("预训练和微调" links 预训练 only).
            if (any(a < m.start() < b for a, b in titles) or m.start() - linked_end < TERM_GAP
                    or before_link and len(text) - m.end() < TERM_GAP):
                out.append(m.group(0))
                continue
            linked_text = link(m)
            if linked_text != m.group(0):
                linked_end = m.end()
            out.append(linked_text)
        out.append(text[last:])
        return "".join(out)

    out, depth, last, after_link = [], 0, 0, False
    for tag in TAG.finditer(page_html):
        text = page_html[last:tag.start()]
        before_link = tag.group(2).lower() == "a" and not tag.group(1)
        out.append(link_prose(text, after_link, before_link) if depth == 0 else text)
        after_link = tag.group(2).lower() == "a" and bool(tag.group(1))
        out.append(tag.group(0))
        closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name in SKIP_TAGS and not self_closing:
            depth += -1 if closing else 1
            depth = max(depth, 0)
        last = tag.end()
    tail = page_html[last:]
    out.append(link_prose(tail) if depth == 0 else tail)
    return "".join(out)


def on_page_context(context, page: Page, config, nav, **kwargs):
    # The index page's table of contents lists the categories, not every term.
    if page.file.src_uri == content.GLOSSARY_INDEX:
        for item in page.toc:
            for category in item.children:
                category.children = []
    return context


@event_priority(-50)  # after notebooks.py has trimmed mkdocs-jupyter's HTML (hidden code copies)
def on_page_content(page_html: str, page: Page, config, files: Files, **kwargs):
    uri = page.file.src_uri
    if uri == content.GLOSSARY_INDEX:
        return page_html  # every term name there is already a link
    href = {category_id: get_relative_url(files.get_file_from_path(content.category_uri(category_id)).url,
                                          page.url)
            for category_id, _, _ in _groups(_glossary())}
    linked: set[str] = set()
    if content.is_generated(uri):
        # A category page: each entry's definition links the other terms it uses.
        starts = [m.start() for m in ENTRY_HEADING.finditer(page_html)] + [len(page_html)]
        out = [page_html[:starts[0]]]
        for start, end in zip(starts, starts[1:]):
            entry = page_html[start:end]
            out.append(_link_terms(entry, href, linked, exclude=ENTRY_HEADING.match(entry).group(1),
                                   definition_tips=False))
        return "".join(out)
    kept = UNLINKED_BLOCKS.findall(page_html)
    linked_html = _link_terms(UNLINKED_BLOCKS.sub("\0", page_html), href, linked)
    for block in kept:
        linked_html = linked_html.replace("\0", block, 1)
    if linked:
        page.meta["term_script"] = True  # on_post_page: a tap shows the definition
    return linked_html


def on_post_page(output: str, page: Page, config, **kwargs):
    """Pages with term links (and definition tooltips) load the script that shows a term's
    definition in place when it is tapped: docs/assets/terms.js, about 1 KB gzipped."""
    if page.meta.get("term_script"):
        src = get_relative_url(TERM_SCRIPT, page.url)
        output = output.replace("</body>", f'<script src="{src}" defer></script></body>', 1)
    return output
