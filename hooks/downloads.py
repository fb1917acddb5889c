"""The site's downloads: the whole-site PDF (`make pdf`) and the offline zip (`make offline`).

The deploy makes both first, then builds the site with DOWNLOADS_DIR pointing at them: this hook
copies them to downloads/ in the site and writes, where a page has the `<!-- downloads -->` marker
(the home page's 本站补充 box, 关于), a line linking both with their sizes and build date. Without
DOWNLOADS_DIR (local builds, the tests) the line says that the published site has them.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

MARKER = "<!-- downloads -->"
PDF = "多模态大模型-面试题库.pdf"
ZIP = "多模态大模型-面试题库-offline.zip"
TARGET = "downloads"
_state: dict = {}


def downloads_dir() -> Path | None:
    value = os.environ.get("DOWNLOADS_DIR", "").strip()
    return Path(value).resolve() if value else None


def size(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def on_files(files, config, **kwargs):
    folder = downloads_dir()
    _state["files"] = None
    if folder is None:
        return files
    found = {name: folder / name for name in (PDF, ZIP)}
    absent = [str(path) for path in found.values() if not path.is_file()]
    if absent:
        raise PluginError(f"hooks/downloads.py: DOWNLOADS_DIR is set but lacks {', '.join(absent)} "
                          "(run make pdf offline first)")
    for name, path in found.items():
        files.append(File.generated(config, f"{TARGET}/{name}", abs_src_path=str(path)))
    _state["files"] = found
    return files


def line(page_uri: str) -> str:
    found = _state.get("files")
    if not found:
        return ("**离线阅读：**全站 PDF 和离线版 zip（解压后不联网也能浏览和搜索）随正式发布的网站一起生成，"
                "在网站的首页和“关于”页下载。")
    depth = page_uri.count("/")
    prefix = "../" * depth + f"{TARGET}/"
    made = dt.datetime.fromtimestamp(found[PDF].stat().st_mtime, dt.timezone.utc).strftime("%Y-%m-%d")
    return (f"**离线阅读：**[全站 PDF]({prefix}{PDF})（{size(found[PDF])}，带书签和目录）和"
            f"[离线版 zip]({prefix}{ZIP})（{size(found[ZIP])}，解压后用浏览器打开其中的 `index.html`，"
            f"不联网也能浏览和搜索），生成于 {made}。")


def on_page_markdown(markdown, page, config, files, **kwargs):
    if MARKER in markdown:
        return markdown.replace(MARKER, line(page.file.src_uri))
    return markdown
