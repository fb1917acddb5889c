"""MkDocs hook: a Content-Security-Policy and a referrer policy on every page, as <meta> tags.

GitHub Pages sends no custom headers, so the policy travels in the page. The browser then runs
only scripts from the site's own origin and the inline scripts this hook hashed in this very page:
an inline script added later (or injected) has no hash, so it is blocked and reported.

- script-src: 'self' plus the SHA-256 of each inline script of the page's final HTML (Material's
  small start-up scripts: __md_scope, the palette, the tabbed-anchor fix). It runs after every
  other hook and plugin has written the page (on_post_page, lowest priority), and for the 404 page
  (a static template: on_post_template). Data blocks (`type="application/json"`, Material's
  __config) are not run by browsers and need no hash. The search worker is a file of the site:
  worker-src falls back to script-src, 'self'.
- style-src: 'self' and 'unsafe-inline'. Inline styles cannot run code, and executed notebooks need
  them: Keras's model.summary() output is HTML with style attributes, which hashes cannot allow.
- img-src 'self' data: (Material's icons are data: SVGs in its stylesheet); everything else,
  fetch() of the search index included, is default-src 'self'; no plugins, no <base>, no forms
  that submit anywhere (Material's search form never submits).
- A meta policy cannot carry frame-ancestors, report-uri or sandbox; browsers ignore them there.
- The referrer policy: other sites see the site's origin, never the page a reader came from.

The policy is written right after <meta charset>, so it governs every script of the page. The
offline copy (OFFLINE=true) allows inline scripts instead of hashing them: see offline() below.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
SRC = re.compile(r"\ssrc\s*=", re.IGNORECASE)
TYPE = re.compile(r"""\stype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
# The types a browser runs (no type attribute means JavaScript too).
SCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript", "text/ecmascript",
                "application/ecmascript"}
CHARSET = re.compile(r"<meta charset=\"?utf-8\"?\s*/?>", re.IGNORECASE)
REFERRER = "strict-origin-when-cross-origin"


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script a browser would run, in page order."""
    out = []
    for match in SCRIPT.finditer(html):
        attrs = match["attrs"]
        if SRC.search(attrs):
            continue
        kind = TYPE.search(attrs)
        if kind and next(g for g in kind.groups() if g is not None).strip().lower() not in SCRIPT_TYPES:
            continue
        out.append(match["body"])
    return out


def script_hash(text: str) -> str:
    """The CSP source expression that allows one inline script: its SHA-256 over the UTF-8 text, with
    line ends as the browser's HTML parser leaves them (CR LF and CR become LF)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def offline() -> bool:
    """The offline copy (`make offline`, hooks/offline.py) is being built."""
    return os.environ.get("OFFLINE", "").lower() in ("1", "true", "yes")


def policy(html: str) -> str:
    hashes = list(dict.fromkeys(script_hash(text) for text in inline_scripts(html)))
    if offline():
        # From disk, Material's search worker runs in an iframe (iframe-worker's shim), which writes
        # inline scripts into an about:blank frame that inherits this policy; their text names the
        # worker's path relative to the page, so no build-time hash fits. The copy makes no network
        # request (default-src stays 'self'), so it allows inline scripts instead of hashing them.
        hashes = ["'unsafe-inline'"]
    return "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self'", *hashes]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'none'",
    ])


def add_policy(html: str, where: str) -> str:
    if 'http-equiv="Content-Security-Policy"' in html:
        raise PluginError(f"{where}: already has a Content-Security-Policy meta tag")
    match = CHARSET.search(html)
    if not match:
        raise PluginError(f"{where}: no <meta charset=\"utf-8\"> to put the Content-Security-Policy after")
    tags = (f'\n      <meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
            f'\n      <meta name="referrer" content="{REFERRER}">')
    return html[:match.end()] + tags + html[match.end():]


@event_priority(-100)  # after every hook and plugin that writes into the page
def on_post_page(output: str, page, **kwargs) -> str:
    return add_policy(output, page.file.src_uri)


@event_priority(-100)
def on_post_template(output_content: str, template_name: str, **kwargs) -> str:
    if not template_name.endswith(".html"):  # sitemap.xml
        return output_content
    return add_policy(output_content, template_name)
