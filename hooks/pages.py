"""MkDocs hook: the section overviews, each question page's related terms and questions, and the
parts of a 延伸题库 page that come from its front matter (labels, 参考).

The question list, titles and descriptions come from the pages themselves (file name = id,
first heading = title, front matter `description` = one-line gist), so each is written once.
"""

from __future__ import annotations

import posixpath
import re
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

import content

PAGE_LIST_MARKER = "<!-- page-list -->"  # in a section's index.md: list the section's pages
BANK_LIST_MARKER = "<!-- bank-list -->"  # in bank/index.md: every group with its questions
FIGURE_SVG = re.compile(r'<svg viewBox="0 0 (\d+) (\d+)"')
NO_RELATED_BLOCK = ("about.md",)
_state: dict = {}


def on_files(files: Files, config, **kwargs):
    site = content.load_site(files, config)
    _state["pages"], _state["glossary"], _state["site"] = site.pages, site.glossary, site
    return files


def on_nav(nav, config, files, **kwargs):
    # The overview lists questions in reading order, which the nav defines.
    _state["order"] = [page.file.src_uri for page in nav.pages]
    return nav


def _has_related_block(src_uri: str) -> bool:
    """Article pages: the questions and the summary, not the home page, overviews, 关于 or the
    generated glossary pages."""
    return (src_uri not in NO_RELATED_BLOCK and not src_uri.endswith("index.md")
            and not content.is_generated(src_uri))


def _is_question(src_uri: str) -> bool:
    return (src_uri.startswith("qa/") and not src_uri.endswith("index.md")) or content.is_bank_question(src_uri)


def _reading_order(pages) -> list:
    order = _state["order"]
    return sorted(pages, key=lambda p: order.index(p.src_uri))


def _labels(page_id: str) -> str:
    """A bank question's difficulty and frequency, as short labels."""
    question = _state["site"].bank[page_id]
    name = content.DIFFICULTY_NAMES[question.difficulty]
    return (f'<span class="bank-label">难度 {question.difficulty}/3·{name}</span>'
            f'<span class="bank-label">{question.frequency}</span>')


def _list_entry(page, src_uri: str) -> str:
    entry = f"- {content.link(page.title, content.relative(src_uri, page.src_uri))}"
    if page.id in _state["site"].bank:
        entry += " " + _labels(page.id)
    return f"{entry}<br>{page.description}"


def _page_list(src_uri: str) -> str:
    """The other pages of src_uri's folder in reading order, each with its one-line gist.
    Excluded from search: it repeats those pages' own titles and descriptions."""
    folder = posixpath.dirname(src_uri)
    lines = ['<div class="page-list" data-search-exclude="true" markdown>', ""]
    for page in _reading_order(_state["pages"].values()):
        if posixpath.dirname(page.src_uri) == folder and page.src_uri != src_uri:
            lines.append(_list_entry(page, src_uri))
    lines += ["", "</div>"]
    return "\n".join(lines)


def _bank_list(src_uri: str) -> str:
    """bank/index.md: each group (its overview's title, a link) with its questions."""
    pages = _state["pages"]
    lines = []
    for overview in _reading_order(p for p in pages.values() if p.src_uri.startswith(content.BANK_DIR)
                                   and p.src_uri.count("/") == 2 and p.src_uri.endswith("/index.md")):
        group = posixpath.dirname(overview.src_uri)
        questions = [q for q in _reading_order(pages.values()) if content.is_bank_question(q.src_uri)
                     and posixpath.dirname(q.src_uri) == group]
        lines += [f"## {overview.title} {{#{overview.id}}}", "", overview.description, "",
                  '<div class="page-list" data-search-exclude="true" markdown>', ""]
        lines += [_list_entry(q, src_uri) for q in questions]
        lines += ["", "</div>", ""]
    return "\n".join(lines)


def _bank_header(markdown: str, page_id: str) -> str:
    """Under a bank question's title: the 本站补充 badge, its difficulty and frequency."""
    header = (f'<p class="bank-meta" data-search-exclude="true"><span class="bank-badge">本站补充</span>'
              f'{_labels(page_id)}</p>')
    title = re.compile(r"^# .*$", re.MULTILINE).search(markdown)
    return markdown[:title.end()] + "\n\n" + header + "\n" + markdown[title.end():]


def _references(page_id: str) -> str:
    """The 参考 part, from the page's `sources`, with the date its facts were checked."""
    question = _state["site"].bank[page_id]
    name, anchor = content.REFERENCES
    lines = [f"## {name} {{#{anchor}}}", ""]
    lines += [f"{n}. [{s.title}]({s.url})（{s.year}）" for n, s in enumerate(question.sources, 1)]
    lines += ["", f'<p class="bank-checked">以上事实于 {question.checked.isoformat()} 按所列来源核对。</p>']
    return "\n".join(lines)


def _related_section(page_id: str, src_uri: str) -> str:
    """A block marked as the site's addition: glossary terms for this page and related pages."""
    pages = _state["pages"]
    terms = [t for t in _state["glossary"].terms if page_id in t.questions]
    # Full names (Chinese, English, abbreviations) so the page is found by any of them.
    term_links = "\n".join(
        f"- [{t.zh}]({content.relative(src_uri, t.uri)}#{t.id})" + (t.heading[len(t.zh):] if t.heading != t.zh else "")
        for t in terms
    )
    related = _reading_order(pages[other] for other in _state["site"].related(page_id))
    question_links = "\n".join(
        f"- {content.link(other.title, content.relative(src_uri, other.src_uri))}" for other in related
    )
    # "相关页面" when the list holds a code example, the summary or another page that is no question.
    heading = "相关问题" if all(_is_question(other.src_uri) for other in related) else "相关页面"
    if not terms and not question_links:
        return ""
    parts = ['<div class="site-addition" markdown>', '<p class="site-addition__label">本站补充</p>', ""]
    if terms:
        parts += ["## 相关术语 {#related-terms}", "", '<div class="related-terms" markdown>', "",
                  term_links, "", "</div>", ""]
    if question_links:  # other pages' titles: kept out of the search index
        parts += [f"## {heading} {{#related-questions}}", "",
                  '<div class="page-list" data-search-exclude="true" markdown>', "", question_links, "", "</div>", ""]
    parts.append("</div>")
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Page, config, files: Files, **kwargs):
    uri = page.file.src_uri
    if PAGE_LIST_MARKER in markdown:
        markdown = markdown.replace(PAGE_LIST_MARKER, _page_list(uri))
    if BANK_LIST_MARKER in markdown:
        markdown = markdown.replace(BANK_LIST_MARKER, _bank_list(uri))
    if content.page_id(uri) in _state["site"].bank and content.is_bank_question(uri):
        markdown = _bank_header(markdown, content.page_id(uri))
        # A figure is drawn at its own size (its text stays legible) and scrolls on a narrow screen.
        markdown = FIGURE_SVG.sub(r'<svg width="\1" viewBox="0 0 \1 \2"', markdown)
        markdown = markdown.replace('<figure class="bank-figure">', '<figure class="bank-figure" tabindex="0">')
        markdown = markdown.rstrip() + "\n\n" + _references(content.page_id(uri)) + "\n"
    if _has_related_block(uri) and content.page_id(uri) in _state["pages"]:  # not generated pages
        markdown = markdown.rstrip() + "\n\n" + _related_section(content.page_id(uri), uri) + "\n"
    return markdown
