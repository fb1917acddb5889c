"""MkDocs hook: formulas as MathML, made at build time.

pymdownx.arithmatex (generic mode, mkdocs.yml) finds `$…$` and `$$…$$` outside code and wraps
their TeX in <span class="arithmatex">\\(…\\)</span> or <div class="arithmatex">\\[…\\]</div>;
this hook converts each to MathML with latex2mathml, which Chromium, Firefox and WebKit render
natively: no math script, nothing fetched. A formula that does not convert, or that uses a
command latex2mathml does not know (it would print the command's name), stops the build with
the page and the formula.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ARITHMATEX = re.compile(
    r'<(span|div) class="arithmatex">\s*(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<block>.*?)\\\])\s*</\1>', re.DOTALL)
# latex2mathml keeps an unknown command as text: <mi>\foo</mi>, <mo>\foo</mo>, <mtext>\foo</mtext>
UNKNOWN_COMMAND = re.compile(r"<m(?:i|o|n|text)(?: [^>]*)?>(\\[A-Za-z]+)</m(?:i|o|n|text)>")
# \mathrm{softmax} arrives as one <mi> per letter; one <mi> for the run keeps pages smaller.
UPRIGHT_LETTERS = re.compile(r'(?:<mi mathvariant="normal">[^<]</mi>){2,}')


def _merge_letters(match: re.Match) -> str:
    letters = re.findall(r">([^<])<", match.group(0))
    return f'<mi mathvariant="normal">{"".join(letters)}</mi>'


def to_mathml(tex: str, display: bool, where: str) -> str:
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many kinds, each a parse failure
        raise PluginError(f"{where}: formula ${tex}$ does not parse ({type(error).__name__}: {error})") from None
    unknown = UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise PluginError(f"{where}: formula ${tex}$ uses {unknown.group(1)}, which latex2mathml does not know")
    mathml = UPRIGHT_LETTERS.sub(_merge_letters, mathml)
    # The TeX source as the accessible fallback text and for copying; out of the search index
    # (its text is a run of single letters and operators that only adds noise and weight).
    return mathml.replace("<math ", f'<math alttext="{html.escape(tex, quote=True)}" data-search-exclude ', 1)


@event_priority(50)  # before the term links (glossary.py) read the text
def on_page_content(page_html: str, page, config, files, **kwargs):
    where = page.file.src_uri

    def replace(match: re.Match) -> str:
        block = match.group("block")
        tex = html.unescape(block if block is not None else match.group("inline")).strip()
        mathml = to_mathml(tex, block is not None, where)
        return f'<div class="math-block">{mathml}</div>' if block is not None else mathml

    return ARITHMATEX.sub(replace, page_html)
