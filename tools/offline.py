"""Zip the offline build (`make offline`): `python tools/offline.py <site dir> <out.zip>`.

The site dir is a build with OFFLINE=true (Material's offline plugin and hooks/offline.py). The zip
holds one folder; unpacked, its index.html opens from disk (file://) with search and navigation.
Left out: source maps, the link-preview cards (only link previewers fetch them), the 404 page (its links are
rooted at the server's top) and the JSON search
index (file:// reads the copy inlined into search/search_index.js).
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

FOLDER = "多模态大模型-面试题库"
LEFT_OUT_DIRS = ("assets/cards/",)
LEFT_OUT_FILES = ("search/search_index.json", "404.html")  # no server shows a 404 page from disk


def included(relative: str) -> bool:
    return not (relative.endswith(".map") or relative.startswith(LEFT_OUT_DIRS) or relative in LEFT_OUT_FILES)


def make_zip(site: Path, out: Path) -> dict:
    if not (site / "search" / "search_index.js").is_file() or not (site / "assets/javascripts/iframe-worker-shim.js").is_file():
        raise SystemExit(f"{site}: not an offline build (build it with OFFLINE=true, as make offline does)")
    out.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in site.rglob("*") if p.is_file())
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            relative = path.relative_to(site).as_posix()
            if included(relative):
                # A fixed time stamp: the same build gives the same zip.
                info = zipfile.ZipInfo(f"{FOLDER}/{relative}", date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes(), compresslevel=9)
                count += 1
    return {"files": count, "bytes": out.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print(__doc__.split("\n\n", 1)[0], file=sys.stderr)
        return 2
    result = make_zip(Path(args[0]), Path(args[1]))
    print(f"{args[1]}: {result['files']} files, {result['bytes'] / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
