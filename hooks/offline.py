"""The offline copy (`make offline`: OFFLINE=true, Material's `offline` plugin), opened from disk.

- The plugin makes the search work from file:// (the index inlined into search/search_index.js) and
  adds iframe-worker's shim, which runs the search worker in an iframe; it would load the shim from
  unpkg.com, so this hook points `extra.polyfills` at a copy shipped in the site, taken from the npm
  package pinned in tools/offline/package.json (`npm ci` there).
- The plugin also turns `use_directory_urls` off, which the other hooks do not expect (page ids,
  glossary anchors, the search checks are directory-style): this hook turns it back on and, after
  the build, points every link to a folder ("qa/", "../glossary/models/#cnn") and every search
  result at the folder's index.html, which file:// opens (it lists a folder instead).
- The 练习 page fetch()es practice/deck.json and practice/cards/<group>.json, which file:// refuses:
  the offline build also writes them all into practice/deck.js (`window.__practiceFiles`, keyed by
  path, which docs/assets/practice.js reads before fetching), the cards' links rewritten to the
  offline copy's file names, and the page loads it.
Without OFFLINE the hook does nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parent.parent
SHIM_SOURCE = ROOT / "tools" / "offline" / "node_modules" / "iframe-worker" / "shim" / "index.js"
SHIM = "assets/javascripts/iframe-worker-shim.js"
DECK_JSON = "practice/deck.json"
DECK_JS = "practice/deck.js"
PRACTICE_PAGE = "practice.md"


def enabled() -> bool:
    return os.environ.get("OFFLINE", "").lower() in ("1", "true", "yes")


@event_priority(-100)  # after the offline plugin's on_config
def on_config(config, **kwargs):
    if not enabled():
        return
    config.use_directory_urls = True
    if not SHIM_SOURCE.is_file():
        raise PluginError(f"hooks/offline.py: {SHIM_SOURCE.relative_to(ROOT)} is missing: "
                          "run `npm ci` in tools/offline (make offline does)")
    config.extra["polyfills"] = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in str(p)]
    config.extra["polyfills"].append(SHIM)
    return config


def on_post_page(output, page, config, **kwargs):
    if not enabled() or page.file.src_uri != PRACTICE_PAGE:
        return output
    src = get_relative_url(DECK_JS, page.url)
    return output.replace("</body>", f'<script src="{src}"></script></body>', 1)


# A relative link to a folder: "", ".", "../", "qa/", "../glossary/models/#cnn" (not "#x", "a.css", "https://…").
FOLDER_HREF = re.compile(r'(\shref=")((?![a-z][a-z0-9+.-]*:|//|#)[^"?#]*?/?)((?:#[^"]*)?")')


def to_file(match: re.Match) -> str:
    path = match.group(2)
    if path and not (path.endswith("/") or path in (".", "..") or path.endswith("/..")):
        return match.group(0)  # a file already
    if path and not path.endswith("/"):
        path += "/"
    return f"{match.group(1)}{path}index.html{match.group(3)}"


def offline_url(site: Path, url: str) -> str:
    """A directory-style address of the deck ("glossary/models/#cnn") as a file of the offline copy."""
    path, hash_, fragment = url.partition("#")
    stem = path.rstrip("/")
    for candidate in (f"{stem}.html", f"{stem}/index.html" if stem else "index.html"):
        if (site / candidate).is_file():
            return candidate + hash_ + fragment
    raise PluginError(f"hooks/offline.py: the deck links {url!r}, which the offline copy does not have")


@event_priority(-50)  # after hooks/practice.py has written the deck
def on_post_build(config, **kwargs):
    if not enabled():
        return
    site = Path(config["site_dir"])
    shutil.copyfile(SHIM_SOURCE, site / SHIM)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        page.write_text(FOLDER_HREF.sub(to_file, html), encoding="utf-8")
    index_path = site / "search" / "search_index.json"
    if index_path.is_file():
        index = json.loads(index_path.read_text(encoding="utf-8"))
        for doc in index.get("docs", []):
            path, hash_, fragment = doc["location"].partition("#")
            if path == "" or path.endswith("/"):
                doc["location"] = f"{path}index.html{hash_}{fragment}"
        index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    deck_path = site / DECK_JSON
    if deck_path.is_file():
        # The deck's index and its per-group card files (hooks/practice.py), as one script.
        shipped = {DECK_JSON: json.loads(deck_path.read_text(encoding="utf-8"))}
        for path in sorted((site / "practice" / "cards").glob("*.json")):
            cards = json.loads(path.read_text(encoding="utf-8"))
            for texts in cards.values():  # [front, back, url, from]
                if len(texts) > 2 and texts[2]:
                    texts[2] = offline_url(site, texts[2])
            shipped[path.relative_to(site).as_posix()] = cards
        text = json.dumps(shipped, ensure_ascii=False, separators=(",", ":"))
        (site / DECK_JS).write_text(f"window.__practiceFiles = {text};\n", encoding="utf-8")
