"""The site's PDF (`make pdf`, tools/pdf.py), printed from the session's build: it opens, holds the
author's every text unit and code line, embeds its fonts, bookmarks every question page, keeps every
character inside the text area of its sheet, and stays under its size budget. A missing image or a
link to nowhere stops it, naming the page."""

from __future__ import annotations

import re
import shutil
from collections import Counter
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, seed_code_examples
from test_site import seed_units

sys.path.insert(0, str(ROOT / "tools"))
import pdf as sitepdf  # noqa: E402

MB = 1_000_000
BUDGET = 15 * MB
MM = 72 / 25.4  # PDF points per millimetre
MARGIN_X = 16 * MM  # tools/pdf.py's left and right margins
FOOTER_TOP = 842 - 18 * MM  # A4 height minus the bottom margin: the footer lies below


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("**", ""))


@pytest.fixture(scope="session")
def site_pdf(site, browser, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "site.pdf"
    result = sitepdf.build_pdf(site, out, date="2026-01-01", browser=browser)
    print(f"\nPDF: {result['pages']} pages, {result['bytes'] / MB:.1f} MB")
    return out, result


@pytest.fixture(scope="session")
def body_text(site_pdf) -> str:
    """The text of every sheet above its footer, the sheets joined (a paragraph may cross a sheet)."""
    out, _ = site_pdf
    text = subprocess.run(["pdftotext", "-layout", "-x", "0", "-y", "0", "-W", "595", "-H", str(int(FOOTER_TOP)),
                           str(out), "-"], capture_output=True, text=True, check=True).stdout
    return squash(text)


def test_pdf_opens_and_fits_the_budget(site_pdf, record_property):
    from pypdf import PdfReader

    out, result = site_pdf
    reader = PdfReader(out)
    record_property("pages", len(reader.pages))
    record_property("bytes", out.stat().st_size)
    assert len(reader.pages) == result["pages"] > 50
    assert out.stat().st_size <= BUDGET, f"{out.stat().st_size / MB:.1f} MB > 15 MB"


@pytest.mark.parametrize("kind,text", seed_units(), ids=lambda v: v[:12] if isinstance(v, str) else v)
def test_every_seed_unit_is_in_the_pdf(body_text, kind, text):
    assert squash(text) in body_text, f"seed {kind} not in the PDF: {text}"


def test_every_seed_code_line_is_in_the_pdf(body_text):
    missing = [line for _, _, code in seed_code_examples() for line in code.splitlines()
               if line.strip() and squash(line) not in body_text]
    assert not missing, "\n".join(missing)


def test_every_font_is_embedded(site_pdf):
    out, _ = site_pdf
    rows = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows, "no fonts"
    # name type [type] encoding emb sub uni object ID: "emb" is the 5th field from the end
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, "\n".join(not_embedded)


def question_titles(site: Path) -> dict[str, str]:
    """The title (first heading) of every question page: qa/* and every docs/bank/<group>/*.md."""
    uris = [f"qa/{p.stem}/" for p in (ROOT / "docs" / "qa").glob("*.md") if p.stem != "index"]
    for path in (ROOT / "docs" / "bank").glob("*/*.md"):
        uris.append(f"bank/{path.parent.name}/" + ("" if path.stem == "index" else f"{path.stem}/"))
    titles = {}
    for uri in uris:
        doc = BeautifulSoup((site / uri / "index.html").read_text(encoding="utf-8"), "html.parser")
        titles[uri] = doc.select_one("article h1").get_text().replace("¶", "").strip()
    return titles


def test_outline_has_every_question_page(site, site_pdf):
    from pypdf import PdfReader

    out, result = site_pdf
    reader = PdfReader(out)
    bookmarks = {item.title: reader.get_destination_page_number(item) + 1
                 for item in reader.outline if not isinstance(item, list)}
    titles = question_titles(site)
    assert len(titles) >= 7 + 10
    missing = [f"{uri}: {title}" for uri, title in titles.items() if title not in bookmarks]
    assert not missing, "\n".join(missing)
    # The contents print the page each bookmark leads to.
    for uri, title in titles.items():
        assert result["numbers"][uri] == str(bookmarks[title]), uri


def check_layout(pdf_path: Path) -> tuple[list[str], Counter]:
    """One pass over every character of every sheet: those outside the text area (the first per
    sheet), and the sizes of the body characters."""
    import pdfplumber

    problems, sizes = [], Counter()
    with pdfplumber.open(pdf_path) as document:
        for number, page in enumerate(document.pages, 1):
            for char in page.chars:
                if char["top"] >= FOOTER_TOP:
                    inside = char["x0"] >= 0 and char["x1"] <= page.width and char["bottom"] <= page.height
                else:
                    sizes[round(char["size"], 1)] += 1
                    inside = (char["x0"] >= MARGIN_X - 1 and char["x1"] <= page.width - MARGIN_X + 1
                              and char["top"] >= 0)
                if not inside:
                    problems.append(f"page {number}: {char['text']!r} at x {char['x0']:.0f}–{char['x1']:.0f}, "
                                    f"y {char['top']:.0f}")
                    break
    return problems, sizes


@pytest.fixture(scope="session")
def layout(site_pdf):
    return check_layout(site_pdf[0])


def test_no_character_outside_the_text_area(layout):
    """Every character of every sheet lies inside the page box and between the side margins
    (code and tables wrapped, never run past the margin or cut)."""
    problems, _ = layout
    assert not problems, "\n".join(problems[:20])


def test_body_text_is_printed_at_its_size(layout):
    """Chromium shrinks a whole print to fit content wider than the sheet (a line of code that does
    not wrap): the body text would then be smaller than the print CSS's 16 px (12 pt)."""
    _, sizes = layout
    size, _ = sizes.most_common(1)[0]
    assert abs(size - 12) <= 0.2, f"body text at {size} pt, not 12 pt: something is wider than the sheet"


def test_the_layout_checks_catch_planted_defects(browser, tmp_path):
    """A heading pulled past the left margin is reported; a line that does not wrap makes Chromium
    shrink the whole print, which the size check sees."""
    page = browser.new_page()
    margins = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
    text = "多模态大模型的技术原理" * 8
    try:
        page.set_content(f'<body style="margin:0;font-size:16px"><h2 style="margin-left:-12mm">{text}</h2></body>')
        page.pdf(path=str(tmp_path / "margin.pdf"), format="A4", margin=margins)
        page.set_content(f'<body style="margin:0;font-size:16px"><p>{text}</p><pre>{"x" * 200}</pre></body>')
        page.pdf(path=str(tmp_path / "shrunk.pdf"), format="A4", margin=margins)
    finally:
        page.close()
    problems, _ = check_layout(tmp_path / "margin.pdf")
    assert problems and problems[0].startswith("page 1: "), problems
    problems, sizes = check_layout(tmp_path / "shrunk.pdf")
    assert sizes.most_common(1)[0][0] < 11, sizes


def test_links_inside_jump_within_and_links_out_stay_absolute(site):
    document = sitepdf.Assembler(site).document({}, "2026-01-01")
    doc = BeautifulSoup(document, "html.parser")
    ids = {tag["id"] for tag in doc.find_all(id=True)}
    hrefs = [a["href"] for a in doc.find_all("a", href=True)]
    inside = [h for h in hrefs if h.startswith("#")]
    assert len(inside) > 500
    assert not [h for h in inside if h[1:] not in ids]
    assert not [h for h in hrefs if not h.startswith(("#", "https://", "http://", "mailto:"))]
    assert doc.find(id="bank-transformer-attention--quick") and doc.find(id="bank-alignment-dpo--quick")


def copy_site(site: Path, dest: Path) -> Path:
    shutil.copytree(site, dest, ignore=shutil.ignore_patterns("cards", "*.map"))
    return dest


def plant(site: Path, uri: str, html: str) -> None:
    page = site / uri / "index.html"
    text = page.read_text(encoding="utf-8")
    opening = '<article class="md-content__inner md-typeset">'
    page.write_text(text.replace(opening, opening + html, 1), encoding="utf-8")


def test_a_missing_image_stops_the_pdf_naming_the_page(site, tmp_path):
    broken = copy_site(site, tmp_path / "site")
    plant(broken, "qa/speech", '<img src="figure.webp" alt="">')
    with pytest.raises(sitepdf.PdfError, match=r"qa/speech/: image 'figure.webp' is missing"):
        sitepdf.Assembler(broken).document({}, "2026-01-01")
    (broken / "qa" / "speech" / "figure.webp").write_bytes(b"")  # present: no complaint before printing
    sitepdf.Assembler(broken).document({}, "2026-01-01")


def test_a_link_to_no_page_stops_the_pdf_naming_the_page(site, tmp_path):
    broken = copy_site(site, tmp_path / "site")
    plant(broken, "qa/nlp", '<a href="../nowhere/">x</a>')
    with pytest.raises(sitepdf.PdfError, match="qa/nlp/: link '../nowhere/' leads to no page"):
        sitepdf.Assembler(broken).document({}, "2026-01-01")
    broken = copy_site(site, tmp_path / "site2")
    plant(broken, "qa/nlp", '<a href="../vision/#no-such-section">x</a>')
    with pytest.raises(sitepdf.PdfError, match="qa/nlp/: link '../vision/#no-such-section' names an anchor"):
        sitepdf.Assembler(broken).document({}, "2026-01-01")


def test_content_wider_than_the_sheet_stops_the_pdf_naming_the_page(site, browser, tmp_path):
    """Chromium would shrink every page to fit it: tools/pdf.py names the page instead."""
    broken = copy_site(site, tmp_path / "site")
    plant(broken, "qa/nlp", '<div style="width: 250mm">太宽的内容</div>')
    with pytest.raises(sitepdf.PdfError, match=r"wider than the page.*qa/nlp/: <div> 太宽的内容"):
        sitepdf.build_pdf(broken, tmp_path / "out.pdf", browser=browser)
