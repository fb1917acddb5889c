"""One PDF of the whole built site: `python tools/pdf.py <site dir> <out.pdf>` (`make pdf`).

Chromium prints a single page assembled from the built site (not the Markdown), so the PDF holds
exactly what the site shows: the hooks' term links, the 本站补充 boxes, MathML formulas (which
Chromium renders and WeasyPrint cannot) and, when the site was built from executed notebooks
(NOTEBOOKS_DIR), the notebooks' outputs.

- Pages in reading order (the home page's primary navigation), each page's <article> content, ids
  prefixed with the page's id (`qa-definition--quick`: every bank page has #quick and #detail),
  links between pages rewritten to those anchors, links out absolute (`site_url`).
- A cover (title, the site's address, build date) and a table of contents whose page numbers are
  read from the first print's outline (PDF bookmarks, `outline=True`), then printed again: the
  contents keep their length, so the numbers stay right.
- A missing image or a link to a page or anchor that is not in the PDF stops it, naming the page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from bs4 import BeautifulSoup

# Interactive pages with nothing to print (the 练习 page is a flash-card app; its cards are the
# questions and terms printed elsewhere).
SKIP = {"practice/"}
PRINT_CSS = Path(__file__).with_name("pdf.css")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class PdfError(Exception):
    pass


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def nav_order(site: Path) -> list[str]:
    """Site-relative URLs ("", "qa/", …) in reading order: the footer's "next" links walked from the
    home page (each page's own nav lists only its open section: navigation.prune)."""
    walked, here = [""], ""
    while True:
        link = soup(site / here / "index.html").select_one("a.md-footer__link--next[href]")
        if link is None:
            break
        here = urljoin("/" + here, link["href"]).lstrip("/")
        if here in walked:
            break
        walked.append(here)
    return [url for url in walked if url not in SKIP]


def page_id(url: str) -> str:
    return url.strip("/").replace("/", "-") or "home"


def depth(url: str) -> int:
    """A page's level in the contents: "" and "qa/" 0, "qa/definition/" 1, "bank/transformer/attention/" 2."""
    return max(url.count("/") - 1, 0)


def page_file(site: Path, url: str) -> Path:
    return site / url / "index.html"


class Assembler:
    def __init__(self, site: Path):
        self.site = site.resolve()
        home = soup(site / "index.html")
        self.site_url = home.select_one('link[rel="canonical"]')["href"]
        self.site_name = home.select_one('meta[property="og:site_name"]')["content"]
        self.urls = nav_order(site)
        self.ids: dict[str, set[str]] = {}
        self.titles: dict[str, str] = {}
        self.articles: dict[str, BeautifulSoup] = {}
        self.stylesheets: list[str] = []
        for url in self.urls:
            doc = soup(page_file(site, url))
            body = doc.select_one("article.md-content__inner")
            if body is None:
                raise PdfError(f"{url or '/'}: no <article> in the built page")
            self.articles[url] = body
            self.ids[url] = {tag["id"] for tag in body.find_all(id=True)}
            heading = body.find("h1")
            self.titles[url] = heading.get_text().replace("¶", "").strip() if heading else url
            for link in doc.select('link[rel="stylesheet"][href]'):
                css = (page_file(site, url).parent / link["href"]).resolve()
                if css.is_file() and css.as_uri() not in self.stylesheets:
                    self.stylesheets.append(css.as_uri())

    def target(self, url: str, href: str) -> str:
        """Where a link on page `url` goes in the PDF: `#anchor` inside it or an absolute address out."""
        parsed = urlparse(href)
        if parsed.scheme or href.startswith("//"):
            return href  # links out stay as they are
        if href.startswith("#"):
            path, fragment = url, unquote(href[1:])
        else:
            resolved = urljoin("/" + url, href)
            path, _, fragment = resolved.partition("#")
            path = unquote(path.lstrip("/"))
            fragment = unquote(fragment)
        if path in self.articles or (path + "/") in self.articles:
            path = path if path in self.articles else path + "/"
            if not fragment:
                return "#" + page_id(path)
            if fragment not in self.ids[path]:
                raise PdfError(f"{url or '/'}: link {href!r} names an anchor that {path or '/'} does not have")
            return f"#{page_id(path)}--{fragment}"
        if path in SKIP or (self.site / path).is_file():
            return urljoin(self.site_url, path) + (f"#{fragment}" if fragment else "")
        raise PdfError(f"{url or '/'}: link {href!r} leads to no page of the site")

    def section(self, url: str) -> str:
        body = self.articles[url]
        pid = page_id(url)
        for tag in body.select("a.headerlink, .md-source-file, .md-content__button, button, "
                               "[data-print='hide'], .selftest-controls, nav.md-tags, wbr"):
            tag.decompose()  # <wbr>: hooks/headings.py's word breaks double Chromium's bookmark titles
        for heading in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
            # Plain text: Chromium's bookmark titles repeat or lose parts of headings with inline
            # elements in them (headings.py's no-break spans).
            heading.string = heading.get_text()
        for tag in body.find_all(id=True):
            tag["id"] = f"{pid}--{tag['id']}"
        for link in body.find_all("a", href=True):
            link["href"] = self.target(url, link["href"])
            if "glossary-term" in link.get("class", []):
                del link["title"]
            link.attrs.pop("download", None)
        for image in body.find_all(["img", "source"]):
            attr = "src" if image.name == "img" else "srcset"
            src = image.get(attr)
            if not src:
                continue
            if src.startswith("data:"):
                continue
            if urlparse(src).scheme:
                raise PdfError(f"{url or '/'}: image {src!r} is not part of the site")
            file = (page_file(self.site, url).parent / unquote(src)).resolve()
            if not file.is_file():
                raise PdfError(f"{url or '/'}: image {src!r} is missing ({file})")
            image[attr] = file.as_uri()
            image.attrs.pop("loading", None)
        return (f'<section class="pdf-page" id="{pid}" data-url="{html.escape(url)}">'
                f"{body.decode_contents()}</section>")

    def document(self, numbers: dict[str, str], date: str) -> str:
        toc = "".join(
            f'<li class="pdf-toc__level{depth(url)}"><a href="#{page_id(url)}"><span class="pdf-toc__title">{html.escape(self.titles[url])}</span>'
            f'<span class="pdf-toc__page">{numbers.get(url, "000")}</span></a></li>'
            for url in self.urls)
        links = "".join(f'<link rel="stylesheet" href="{href}">' for href in self.stylesheets)
        sections = "".join(self.section(url) for url in self.urls)
        return f"""<!doctype html>
<html lang="zh-Hans" dir="ltr"><head><meta charset="utf-8"><title>{html.escape(self.site_name)}</title>
{links}<link rel="stylesheet" href="{PRINT_CSS.resolve().as_uri()}"></head>
<body class="pdf"><div class="md-typeset">
<section class="pdf-cover"><p class="pdf-cover__title">{html.escape(self.site_name)}</p>
<p class="pdf-cover__subtitle">面试题、延伸题库、术语表和代码示例的全站 PDF</p>
<p class="pdf-cover__url"><a href="{html.escape(self.site_url)}">{html.escape(self.site_url)}</a></p>
<p class="pdf-cover__date">生成于 {date}</p></section>
<nav class="pdf-toc"><p class="pdf-toc__heading">目录</p><ol>{toc}</ol></nav>
{sections}</div></body></html>"""


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fix_outline(pdf_path: Path, headings: list[str]) -> None:
    """Chromium writes some bookmarks' titles as part of the heading followed by all of it
    ("第二节第二节"): set each to its heading's text (headings in document order)."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=str(pdf_path))
    wanted = [(normalise(text), text) for text in headings]
    at = 0

    def walk(node):
        nonlocal at
        while node is not None:
            node = node.get_object()
            title = normalise(str(node.get("/Title", "")))
            for index in range(at, len(wanted)):
                if wanted[index][0] and title.endswith(wanted[index][0]):
                    node[NameObject("/Title")] = TextStringObject(wanted[index][1])
                    at = index + 1
                    break
            if "/First" in node:
                walk(node["/First"])
            node = node.get("/Next")

    outlines = writer._root_object.get("/Outlines")
    if outlines is not None and "/First" in outlines.get_object():
        walk(outlines.get_object()["/First"])
    writer.write(str(pdf_path))
    # Chromium builds the outline only for a tagged PDF, whose structure tree (one uncompressed object
    # per element, ~10 MB for 450 pages) is more than half the file: keep pages, links and outline.
    slim = PdfWriter()
    slim.append(str(pdf_path), import_outline=True)
    slim.write(str(pdf_path))


def outline_pages(pdf_path: Path) -> list[tuple[str, int]]:
    """The top-level bookmarks of a PDF: (title, 1-based page number), in order."""
    from pypdf import PdfReader

    reader = PdfReader(pdf_path)
    out = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        out.append((item.title, reader.get_destination_page_number(item) + 1))
    return out


FOOTER = """<div style="width:100%;font-size:8px;color:#666;padding:0 14mm;display:flex;
justify-content:space-between;font-family:'Noto Sans CJK SC',sans-serif">
<span>{name}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>"""


# The text width of an A4 sheet with 16 mm side margins, in CSS pixels (178 mm), rounded down.
TEXT_WIDTH = 672

# A formula cannot wrap: one wider than its column is set smaller until it fits. Then
# anything still wider than the sheet's text width is an error (Chromium would shrink every page).
FIT = """width => {
    const extent = math => {  // a display formula's box is its column; its content may overflow it
        const left = math.getBoundingClientRect().left;
        let right = left;
        for (const part of math.querySelectorAll('*')) right = Math.max(right, part.getBoundingClientRect().right);
        return right - left;
    };
    for (const math of document.querySelectorAll('section.pdf-page math')) {
        const room = math.parentElement.closest('p, li, td, th, dd, div, section').clientWidth;
        for (let step = 0; step < 6 && extent(math) > room; step++) {
            const size = parseFloat(getComputedStyle(math).fontSize);
            math.style.fontSize = (size * room / extent(math) * 0.98) + 'px';
        }
    }
    if (document.documentElement.scrollWidth <= width) return [];
    const wide = [];
    for (const element of document.querySelectorAll('section.pdf-page *')) {
        const box = element.getBoundingClientRect();
        if (box.width > 0 && box.right > width + 1) {
            const page = element.closest('section.pdf-page').dataset.url || '/';
            wide.push(page + ': <' + element.tagName.toLowerCase() + '> ' + (element.textContent || '').trim().slice(0, 40));
        }
    }
    return wide;
}"""


def print_pdf(page, html_path: Path, out: Path, name: str) -> None:
    page.emulate_media(media="print")
    page.goto(html_path.as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready")
    wide = page.evaluate(FIT, TEXT_WIDTH)
    if wide:
        raise PdfError("wider than the page (Chromium would shrink every page to fit): " + "; ".join(wide[:5]))
    broken = page.evaluate("""[...document.images].filter(i => !i.complete || i.naturalWidth === 0)
        .map(i => i.closest('section.pdf-page')?.dataset.url + ': ' + i.getAttribute('src'))""")
    if broken:
        raise PdfError("images that do not load: " + "; ".join(broken))
    headings = page.evaluate("""[...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
        .map(h => h.textContent.replace(/\\s+/g, ' ').trim())""")
    page.pdf(path=str(out), format="A4", print_background=True, outline=True, tagged=True,
             display_header_footer=True, header_template="<span></span>",
             footer_template=FOOTER.format(name=html.escape(name)),
             margin={"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
    fix_outline(out, headings)


def build_pdf(site: Path, out: Path, date: str | None = None, browser=None) -> dict:
    """Print the PDF; `browser`: a Playwright Chromium already running (the tests'), else one is started."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return build_pdf(site, out, date, browser)
            finally:
                browser.close()
    date = date or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    assembler = Assembler(site)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": TEXT_WIDTH, "height": 1000})  # the sheet's text width
    try:
        with tempfile.TemporaryDirectory() as tmp:
            html_path = Path(tmp) / "print.html"
            numbers: dict[str, str] = {}
            for _ in range(2):  # placeholders first, then the page numbers read from the outline
                html_path.write_text(Assembler(site).document(numbers, date), encoding="utf-8")
                print_pdf(page, html_path, out, assembler.site_name)
                bookmarks = outline_pages(out)
                numbers, at = {}, 0
                for url in assembler.urls:
                    wanted = normalise(assembler.titles[url])
                    while at < len(bookmarks) and normalise(bookmarks[at][0]) != wanted:
                        at += 1
                    if at == len(bookmarks):
                        raise PdfError(f"{url or '/'}: no bookmark for its title {assembler.titles[url]!r}")
                    numbers[url] = str(bookmarks[at][1])
                    at += 1
    finally:
        page.close()
    from pypdf import PdfReader

    pages = len(PdfReader(out).pages)
    return {"pages": pages, "bytes": out.stat().st_size, "numbers": numbers}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("site", type=Path, help="the built site (mkdocs build -d …)")
    parser.add_argument("out", type=Path, help="the PDF to write")
    args = parser.parse_args(argv)
    try:
        result = build_pdf(args.site, args.out)
    except PdfError as error:
        print(f"make pdf: {error}", file=sys.stderr)
        return 1
    print(f"{args.out}: {result['pages']} pages, {result['bytes'] / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
