"""MkDocs hook: the ¶ next to each heading copies the section's address, as its title says.

Material already copies any element that carries data-clipboard-text (its bundled ClipboardJS,
which serves the code blocks' copy buttons) and confirms with its "已复制" notice. This hook gives
each heading link that attribute, with the section's absolute URL; the link still points at #id,
so the address bar follows too. Material's notice is a plain div: it gets role="status" here, so
that screen readers announce the confirmation.
"""

from __future__ import annotations

import html as html_lib
import re

from mkdocs.plugins import event_priority

HEADERLINK = re.compile(r'<a class="headerlink" href="#([^"]+)"')
DIALOG = '<div class="md-dialog" data-md-component="dialog">'


@event_priority(-100)  # after notebooks.py has written its headings' links
def on_page_content(html: str, page, **kwargs) -> str:
    base = page.canonical_url or ""  # absolute: MkDocs derives it from site_url
    return HEADERLINK.sub(
        lambda m: f'<a class="headerlink" data-clipboard-text="{html_lib.escape(base)}#{m.group(1)}" '
                  f'href="#{m.group(1)}"', html)


def on_post_page(output: str, **kwargs) -> str:
    return output.replace(DIALOG, DIALOG[:-1] + ' role="status" aria-live="polite">', 1)
