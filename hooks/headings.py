"""MkDocs hook: page titles and headings break between words, not inside one.

Browsers break Chinese between any two characters, so a phone showed "技术原|理", "语音识|别",
"医疗领|域" and "Chinese-|CLIP". The link-preview cards (hooks/cards.py) already break the same
titles between jieba's words; here each heading gets a <wbr> between two Chinese words (jieba,
which knows the glossary's terms: hooks/glossary.py adds them), and extra.css sets
`word-break: keep-all` on headings, so that a line breaks only there, at spaces and next to
punctuation (and, where a single word is wider than the line, inside it: overflow-wrap). A
hyphenated Latin name ("Chinese-CLIP", "GPT-4") is wrapped in <span class="nowrap">.

Search ignores both (<wbr> is a void element and spans are dropped from Material's index), and
the text of the heading, as read or copied, is unchanged.
"""

from __future__ import annotations

import html
import re

from mkdocs.plugins import event_priority

HEADING = re.compile(r"(<h([1-6])\b[^>]*>)(.*?)(</h\2>)", re.S)
TAG = re.compile(r"<[^>]+>")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HYPHENATED = re.compile(r"(?<![\w\-/:.#])[A-Za-z0-9]+(?:[-‐][A-Za-z0-9]+)+(?![\w\-/:.#])")  # not inside a path or placeholder
WBR = "<wbr>"


# 禁则, as on the cards (hooks/cards.py): no line starts with a closing mark or ends with an opening one.
CLOSING = set("，。、：；！？）》」』】〕〗〙〛〉”’…‥·・〜～％,.:;!?)]}%/")
OPENING = set("（《「『【〔〖〘〚〈“‘([{")
LATIN = re.compile(r"[A-Za-z0-9_\-]")


def word_starts(text: str) -> list[int]:
    """Offsets in text where a jieba word starts and a line may break: not next to a space (a
    break already), not inside a Latin run, not before a closing or after an opening mark, not
    inside "——" or "……". WebKit with keep-all breaks nowhere else, not even before "（"."""
    import jieba

    starts, offset = [], 0
    for word in jieba.lcut(text, HMM=False):
        if 0 < offset < len(text):
            before, after = text[offset - 1], text[offset]
            if not (before.isspace() or after.isspace() or after in CLOSING or before in OPENING
                    or (LATIN.match(before) and LATIN.match(after)) or before == after == "—"
                    or before == after == "…"):
                starts.append(offset)
        offset += len(word)
    return starts


def break_text(text: str) -> str:
    """A heading's text node with <wbr> between Chinese words and hyphenated names kept whole."""
    raw = html.unescape(text)  # "&amp;" is one character to jieba and to the line
    starts = word_starts(raw) if HAN.search(raw) else []  # a Latin-only heading breaks at its spaces
    pieces, last = [], 0
    for start in [*starts, len(raw)]:
        piece = html.escape(raw[last:start], quote=False)
        pieces.append(HYPHENATED.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', piece))
        last = start
    return WBR.join(pieces)


def break_heading(inner: str) -> str:
    out, last = [], 0
    for tag in TAG.finditer(inner):
        out += [break_text(inner[last:tag.start()]), tag.group(0)]
        last = tag.end()
    out.append(break_text(inner[last:]))
    return "".join(out)


@event_priority(-80)  # after the hooks that write headings (notebooks.py) and before typography.py
def on_page_content(html: str, **kwargs) -> str:
    return HEADING.sub(lambda m: m.group(1) + break_heading(m.group(3)) + m.group(4), html)
