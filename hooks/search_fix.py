"""MkDocs hook: fix an off-by-one in Material's Chinese query segmentation.

Material's search worker cuts a Chinese query into words that exist in the index, but its
inner loop (`for (j = i + 1; j < query.length; j++)`) never tries a word that ends at the
query's last character. So "数据隐私" is searched as "数据*" alone and "多模态大模型" as
"多模态* 大*": the last word is dropped or shortened to one character, and pages that merely
contain 数据 outrank the page about 数据隐私. Letting the loop reach the end (`<=`) is the
whole fix. Material for MkDocs is in maintenance mode, so the fix is applied here, to the
built worker; if Material's code changes, the build stops and says so.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

WORKERS = "assets/javascripts/workers"
BUGGY = "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e&&(n[s]=o-s)"
FIXED = "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e&&(n[s]=o-s)"


def on_post_build(config, **kwargs):
    workers = sorted(Path(config["site_dir"], WORKERS).glob("search.*.min.js"))
    if not workers:
        raise PluginError(f"search_fix: no search worker in {WORKERS}/")
    for path in workers:
        code = path.read_text(encoding="utf-8")
        if FIXED in code:  # a dirty rebuild under `mkdocs serve` keeps the patched file
            continue
        if code.count(BUGGY) != 1:
            raise PluginError(
                f"search_fix: {path.name} no longer contains Material's segmentation loop; "
                "check whether the bug is fixed upstream and update or remove hooks/search_fix.py"
            )
        path.write_text(code.replace(BUGGY, FIXED), encoding="utf-8")
