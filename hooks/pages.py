"""MkDocs hook: the section overviews and each question page's related terms and questions.

The question list, titles and descriptions come from the pages themselves (file name = id,
first heading = title, front matter `description` = one-line gist), so each is written once.
"""

from __future__ import annotations

import posixpath
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

import content

PAGE_LIST_MARKER = "<!-- page-list -->"  # in a section's index.md: list the section's pages
NO_RELATED_BLOCK = ("about.md",)
_state: dict = {}


def on_files(files: Files, config, **kwargs):
    site = content.load_site(files, config)
    _state["pages"], _state["glossary"] = site.pages, site.glossary
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


def _reading_order(pages) -> list:
    order = _state["order"]
    return sorted(pages, key=lambda p: order.index(p.src_uri))


def _page_list(src_uri: str) -> str:
    """The other pages of src_uri's folder in reading order, each with its one-line gist.
    Excluded from search: it repeats those pages' own titles and descriptions."""
    folder = posixpath.dirname(src_uri)
    lines = ['<div class="page-list" data-search-exclude="true" markdown>', ""]
    for page in _reading_order(_state["pages"].values()):
        if posixpath.dirname(page.src_uri) == folder and page.src_uri != src_uri:
            lines.append(f"- {content.link(page.title, content.relative(src_uri, page.src_uri))}<br>{page.description}")
    lines += ["", "</div>"]
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
    question_links = "\n".join(
        f"- {content.link(other.title, content.relative(src_uri, other.src_uri))}"
        for other in _reading_order(pages[other] for other in pages[page_id].related)
    )
    if not terms and not question_links:
        return ""
    parts = ['<div class="site-addition" markdown>', '<p class="site-addition__label">本站补充</p>', ""]
    if terms:
        parts += ["## 相关术语 {#related-terms}", "", '<div class="related-terms" markdown>', "",
                  term_links, "", "</div>", ""]
    if question_links:  # other pages' titles: kept out of the search index
        parts += ["## 相关问题 {#related-questions}", "",
                  '<div class="page-list" data-search-exclude="true" markdown>', "", question_links, "", "</div>", ""]
    parts.append("</div>")
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Page, config, files: Files, **kwargs):
    uri = page.file.src_uri
    if PAGE_LIST_MARKER in markdown:
        markdown = markdown.replace(PAGE_LIST_MARKER, _page_list(uri))
    if _has_related_block(uri) and content.page_id(uri) in _state["pages"]:  # not generated pages
        markdown = markdown.rstrip() + "\n\n" + _related_section(content.page_id(uri), uri) + "\n"
    return markdown
