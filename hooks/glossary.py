"""MkDocs hook: docs/glossary.yml drives the glossary page, term links and search segmentation.

- on_config: every Chinese term name goes into jieba's dictionary, which Material's search
  plugin uses to cut Chinese text into index tokens, so "自注意力机制" stays one token.
- on_files: the glossary page (glossary.md) is generated, grouped by category.
- on_page_content: the first use of each term on a page links to its entry, with the
  definition as tooltip (Material's content.tooltips); never in headings, code or links.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import jieba
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

import content

GLOSSARY_PAGE = "glossary.md"
# Text inside these elements is never linked.
SKIP_TAGS = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "kbd",
             "svg", "button", "textarea", "title", "abbr"}
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
HAN = re.compile(r"[\u4e00-\u9fff]")
# Blocks that get no term links: the generated list of related terms (hooks/pages.py), which
# already links each term, and lists of pages (overviews, related questions): links among links.
UNLINKED_BLOCKS = re.compile(r'<div class="(?:related-terms|page-list)"[^>]*>.*?</div>', re.S)
QUOTED_TITLE = re.compile(r"《[^《》]*》")  # a work's title is quoted as written, not annotated


_state: dict = {}


def _glossary() -> content.Glossary:
    return _state["site"].glossary


@event_priority(100)  # before the search plugin builds its index
def on_config(config, **kwargs):
    path = Path(config["docs_dir"]) / content.GLOSSARY_FILE
    # Read without page checks here; on_files validates fully once the pages are known.
    glossary = content.load_glossary(path, None, f"docs/{content.GLOSSARY_FILE}")
    for term in glossary.terms:
        for name in term.names:
            if HAN.search(name):
                jieba.add_word(name, freq=200_000)
    return config


def _glossary_markdown() -> str:
    glossary = _glossary()
    pages = _state["site"].pages
    out = [
        "---",
        "description: 术语表：多模态大模型相关术语的中英文名称、缩写和定义，每个术语都有固定链接。",
        "---",
        "",
        f"# 术语表 {{#{content.GLOSSARY_PAGE_ID}}}",
        "",
        '<div class="site-addition" markdown>',
        '<p class="site-addition__label">本站补充</p>',
        "",
        "本页全部由本站编写：原文用到的术语，按类别排列，每条给出中文名、英文名、常见缩写和简短定义，"
        "以及用到它的页面。正文中每个术语第一次出现时都链接到这里。",
        "",
        "</div>",
        "",
    ]
    for category_id, category_name in glossary.categories.items():
        terms = [t for t in glossary.terms if t.category == category_id]
        if not terms:
            continue
        out += [f"## {category_name} {{#{category_id}}}", ""]
        for term in terms:
            out += [f"### {term.heading} {{#{term.id}}}", ""]
            if term.aliases:
                out += ["别名：" + "、".join(f"{a}" for a in term.aliases), ""]
            # Definitions stay out of the search index: the index is downloaded with every
            # page, and terms are found by their names (heading and aliases) anyway.
            out += [term.definition, "{ data-search-exclude }", ""]
            used = "、".join(f"[{pages[q].title}]({pages[q].src_uri})" for q in term.questions)
            out += [f"出现在：{used}", "{ data-search-exclude }", ""]  # titles belong to their pages
    return "\n".join(out)


def on_files(files: Files, config, **kwargs):
    _state["site"] = content.load_site(files, config)
    files.append(File.generated(config, GLOSSARY_PAGE, content=_glossary_markdown()))
    return files


def _term_pattern(terms) -> re.Pattern:
    names = sorted({n for t in terms for n in t.names}, key=len, reverse=True)
    parts = []
    for name in names:
        escaped = re.escape(name)
        if re.search(r"[A-Za-z0-9]", name):  # Latin names only match as whole words
            escaped = rf"(?<![A-Za-z0-9_]){escaped}(?![A-Za-z0-9_])"
        parts.append(escaped)
    return re.compile("|".join(parts))


def _link_terms(page_html: str, href_base: str) -> str:
    terms = _glossary().terms
    by_name = {n: t for t in terms for n in t.names}
    pattern = _term_pattern(terms)
    linked: set[str] = set()

    def link(match: re.Match) -> str:
        term = by_name[match.group(0)]
        if term.id in linked:
            return match.group(0)
        linked.add(term.id)
        tip = html.escape(f"{term.heading}：{term.definition}", quote=True)
        return (f'<a class="glossary-term" href="{href_base}#{term.id}" title="{tip}">'
                f"{match.group(0)}</a>")

    def link_prose(text: str) -> str:
        titles = [m.span() for m in QUOTED_TITLE.finditer(text)]
        return pattern.sub(lambda m: m.group(0) if any(a < m.start() < b for a, b in titles) else link(m), text)

    out, depth, last = [], 0, 0
    for tag in TAG.finditer(page_html):
        text = page_html[last:tag.start()]
        out.append(link_prose(text) if depth == 0 else text)
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
    # The glossary's table of contents lists its categories, not all terms: a reader looks
    # terms up by search, and the page stays within its download budget.
    if page.file.src_uri == GLOSSARY_PAGE:
        for item in page.toc:
            for category in item.children:
                category.children = []
    return context


@event_priority(-50)  # after notebooks.py has trimmed mkdocs-jupyter's HTML (hidden code copies)
def on_page_content(page_html: str, page: Page, config, files: Files, **kwargs):
    if page.file.src_uri == GLOSSARY_PAGE:
        return page_html
    href = get_relative_url(files.get_file_from_path(GLOSSARY_PAGE).url, page.url)
    kept = UNLINKED_BLOCKS.findall(page_html)
    linked = _link_terms(UNLINKED_BLOCKS.sub("\0", page_html), href)
    for block in kept:
        linked = linked.replace("\0", block, 1)
    return linked
