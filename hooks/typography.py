"""MkDocs hook: no double gap after a bold label that ends in full-width punctuation, and tables
that a keyboard can scroll.

The article writes "**答案：** 多模态……" and "- **深度学习：** 采用……": a space after the label.
A full-width colon already carries a half-em of space, so the page showed "答案：␣␣多模态". Only
that whitespace is dropped, on every page (notebooks included); no character of the text changes
(the verbatim tests compare the text ignoring whitespace).

A table wider than a phone scrolls sideways. Material wraps each table in a scrolling box from its
script, without a tabindex, so a keyboard cannot scroll it (axe: scrollable-region-focusable). Each
table is wrapped here, at build time, in a focusable box that scrolls instead (extra.css turns
Material's box into a plain one inside it).
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

LABEL_GAP = re.compile(r"([：；，。！？、])((?:</(?:strong|b|em)>)+)[ \t\r\n]+")
TABLE = re.compile(r"<table>(.*?)</table>", re.S)


@event_priority(-90)  # after the hooks that write or rewrite page HTML
def on_page_content(html: str, **kwargs) -> str:
    html = TABLE.sub(r'<div class="table-scroll" tabindex="0"><table>\1</table></div>', html)
    return LABEL_GAP.sub(r"\1\2", html)
