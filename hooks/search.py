"""MkDocs hook: two post-build fixes to Material's search for a Chinese site.

1. An off-by-one in Material's Chinese query segmentation.

Material's search worker cuts a Chinese query into words that exist in the index, but its
inner loop (`for (j = i + 1; j < query.length; j++)`) never tries a word that ends at the
query's last character. So "数据隐私" is searched as "数据*" alone and "多模态大模型" as
"多模态* 大*": the last word is dropped or shortened to one character, and pages that merely
contain 数据 outrank the page about 数据隐私. Letting the loop reach the end (`<=`) is the
whole fix. Material for MkDocs is in maintenance mode, so the fix is applied here, to the
built worker; if Material's code changes, the build stops and says so.

2. The search index is rewritten as UTF-8 instead of \\u escapes: the same JSON, about
2.4 KB less to download (gzipped) on every page, since Material fetches it on page load.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.exceptions import PluginError

WORKERS = "assets/javascripts/workers"
INDEX = "search/search_index.json"
BUGGY = "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e&&(n[s]=o-s)"
FIXED = "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e&&(n[s]=o-s)"


def on_post_build(config, **kwargs):
    _fix_worker(config)
    index = Path(config["site_dir"], INDEX)
    data = json.loads(index.read_text(encoding="utf-8"))
    index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _fix_worker(config):
    workers = sorted(Path(config["site_dir"], WORKERS).glob("search.*.min.js"))
    if not workers:
        raise PluginError(f"hooks/search.py: no search worker in {WORKERS}/")
    for path in workers:
        code = path.read_text(encoding="utf-8")
        if FIXED in code:  # a dirty rebuild under `mkdocs serve` keeps the patched file
            continue
        if code.count(BUGGY) != 1:
            raise PluginError(
                f"hooks/search.py: {path.name} no longer contains Material's segmentation loop; "
                "check whether the bug is fixed upstream and update or remove this fix"
            )
        path.write_text(code.replace(BUGGY, FIXED), encoding="utf-8")
