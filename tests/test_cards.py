"""Link previews with an image: every page but the 404 page names its own 1200×630 PNG card
(≤100 KB) in og:image, drawn by hooks/cards.py. Chinese titles on the cards wrap by the rules of
Chinese typesetting and never overflow; every character is in the font; the cards are drawn once
per content; a missing font or a title too long for the card fails the build with a message."""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTCollection
from PIL import Image

from conftest import ROOT, copy_project, mkdocs_build

sys.path.insert(0, str(ROOT / "hooks"))
import cards  # noqa: E402  (the hook's own typesetting, for sample titles)

SIZE = (1200, 630)
MAX_BYTES = 100 * 1024
# 禁则, written out here rather than taken from the hook: never at a line's start / end.
CLOSING = set("，。、：；！？）》」』】〕〉”’…·,.:;!?)]}%")
OPENING = set("（《「『【〔〈“‘([{")
LATIN = re.compile(r"[A-Za-z0-9]")
NUMBERED = re.compile(r"^\d+\.\s*")
# Titles that exercise the rules: Latin words and numbers next to CJK, runs of punctuation,
# brackets and quotes, a dash, and titles longer than the card's lines.
SAMPLES = [
    "多模态大模型在医疗领域的应用有哪些？",
    "实现一个基于 GPT-2 的文本生成模型。",
    "为什么说“预训练 + 微调”是大模型的标准做法？（附 BERT、GPT-3 与 T5 的对比）",
    "用 3.5 亿参数的模型在 1,000,000 张图像上训练 90 个 epoch，需要多长时间？",
    "Transformer、Self-Attention 与 Cross-Attention：多模态融合的三种方式",
    "《多模态大模型》读书笔记——第 12 章「对齐」与『指令微调』【完】",
    "大语言模型（LLM）如何“看懂”图片？从 CLIP、BLIP-2 到 LLaVA……",
    "Hugging Face Transformers 快速上手：pipeline、AutoModel 和 generate() 的用法",
]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def built_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html"))


def meta(doc: BeautifulSoup) -> dict[str, str]:
    return {(m.get("property") or m.get("name")): m.get("content", "")
            for m in doc.find_all("meta") if m.get("property") or m.get("name")}


def heading(doc: BeautifulSoup) -> str:
    return doc.select_one("article h1").get_text().replace("¶", "").strip()


def card_file(site: Path, url: str) -> Path:
    home = urlparse(meta(soup(site / "index.html"))["og:url"]).path
    return site / urlparse(url).path.removeprefix(home)


def drawn_lines(path: Path) -> list[str]:
    """The title as the card draws it, one entry per line (hooks/cards.py writes it to the PNG)."""
    return Image.open(path).text["Title"].split("\n")


# --- Tags and files --------------------------------------------------------------------------

def test_every_page_but_404_has_its_own_card(site):
    home_url = meta(soup(site / "index.html"))["og:url"]
    seen_urls, seen_bytes, problems = {}, {}, []
    for path in built_pages(site):
        where = str(path.relative_to(site))
        tags = meta(soup(path))
        if tags.get("twitter:card") != "summary_large_image":
            problems.append(f"{where}: twitter:card is {tags.get('twitter:card')!r}")
        expected = {"og:image:type": "image/png", "og:image:width": "1200", "og:image:height": "630"}
        problems += [f"{where}: {k} is {tags.get(k)!r}" for k, v in expected.items() if tags.get(k) != v]
        if not tags.get("og:image:alt", "").strip():
            problems.append(f"{where}: no og:image:alt")
        url = tags.get("og:image", "")
        if not url.startswith(home_url):
            problems.append(f"{where}: og:image {url!r} is not an absolute URL under {home_url}")
            continue
        file = card_file(site, url)
        if not file.is_file():
            problems.append(f"{where}: {url} has no file")
            continue
        data = file.read_bytes()
        with Image.open(file) as image:
            if (image.format, image.size) != ("PNG", SIZE):
                problems.append(f"{where}: card is {image.format} {image.size}")
        if len(data) > MAX_BYTES:
            problems.append(f"{where}: card has {len(data)} bytes")
        digest = hashlib.sha256(data).hexdigest()
        for seen, key in ((seen_urls, url), (seen_bytes, digest)):
            if key in seen:
                problems.append(f"{where} shares its card with {seen[key]}")
            seen[key] = where
    assert not problems, "\n".join(problems)
    assert len(seen_urls) == len(built_pages(site)) >= 15
    drawn = {p.name for p in (site / cards.CARD_DIR).iterdir()}
    assert drawn == {card_file(site, u).name for u in seen_urls}, "cards no page names"


def test_404_page_previews_without_image(site):
    tags = meta(soup(site / "404.html"))
    assert tags["twitter:card"] == "summary"
    assert not any(k.startswith("og:image") for k in tags)


def test_cards_are_not_loaded_by_browsers(site):
    """Only link previewers fetch the cards: no page, style, script, index or sitemap names them."""
    og_image = re.compile(r'<meta property="og:image" content="[^"]*">')
    offenders = []
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js", ".json", ".xml", ".txt", ".webmanifest", ".map"):
            text = path.read_text(encoding="utf-8", errors="replace")
            if cards.CARD_DIR in og_image.sub("", text):
                offenders.append(str(path.relative_to(site)))
    assert not offenders, offenders


def test_question_and_notebook_cards_show_the_question_with_its_section(site):
    alt = meta(soup(site / "qa" / "medical" / "index.html"))["og:image:alt"]
    assert alt == "领域问题/面试题库·第 7 题：多模态大模型在医疗领域的应用有哪些？"
    assert "".join(drawn_lines(site / cards.CARD_DIR / "medical.png")) == "多模态大模型在医疗领域的应用有哪些？"
    alt = meta(soup(site / "code" / "mnist" / "index.html"))["og:image:alt"]
    assert alt == "算法编程题库·第 1 题：实现一个基于深度学习的手写数字识别模型。"
    assert meta(soup(site / "qa" / "index.html"))["og:image:alt"].startswith("领域问题/面试题库·共 ")
    assert meta(soup(site / "glossary" / "index.html"))["og:image:alt"] == "术语表"


def card_title(lines: list[str], heading_: str) -> str | None:
    """The page heading (or, on a numbered question, the heading without its number) as the
    card draws it, if the card's lines are that."""
    for title in (heading_, NUMBERED.sub("", heading_)):
        if "".join(lines).replace(" ", "") == cards.for_display(title).replace(" ", ""):
            return cards.for_display(title)
    return None


def test_every_card_shows_its_page_heading(site):
    """The title on each card is the page's own heading (a question's number moves to the label)."""
    problems = []
    for path in built_pages(site):
        lines = drawn_lines(card_file(site, meta(soup(path))["og:image"]))
        if card_title(lines, heading(soup(path))) is None:
            problems.append(f"{path.relative_to(site)}: card shows {lines}, heading is {heading(soup(path))!r}")
    assert not problems, "\n".join(problems)


# --- Typesetting -----------------------------------------------------------------------------

def rule_breaks(lines: list[str], title: str) -> list[str]:
    """How `lines` break 禁则 or a Latin word or number, or differ from `title` (spaces aside)."""
    problems = []
    text = title.strip()
    for number, line in enumerate(lines):
        if not line or line != line.strip():
            problems.append(f"line {number + 1} {line!r} is empty or has spaces at its ends")
            continue
        if line[0] in CLOSING:
            problems.append(f"line {number + 1} {line!r} starts with closing punctuation")
        if line[-1] in OPENING and number < len(lines) - 1:
            problems.append(f"line {number + 1} {line!r} ends with opening punctuation")
        if not text.startswith(line):
            problems.append(f"line {number + 1} {line!r} is not the title's next part ({text!r})")
            return problems
        rest = text[len(line):]
        if rest and not rest[0].isspace():  # a break without a space: not inside a Latin run
            if LATIN.match(line[-1]) and (LATIN.match(rest[0]) or rest[0] in ".,-+"):
                problems.append(f"{line!r} / {rest!r} breaks a Latin word or number")
            if line[-1] == rest[0] and line[-1] in "—…":
                problems.append(f"{line!r} / {rest!r} splits {line[-1] * 2}")
        text = rest.lstrip()
    if text:
        problems.append(f"{text!r} is missing")
    return problems


def overflow(lines: list[str], size: int) -> list[str]:
    face = cards.font("Bold", size)
    problems = [f"{line!r} is {face.getlength(line)} px wide" for line in lines
                if face.getbbox(line)[2] > cards.TEXT_WIDTH or face.getlength(line) > cards.TEXT_WIDTH]
    height = (len(lines) - 1) * cards.LINE_PITCH * size + size
    if height > cards.TITLE_BOTTOM - cards.TITLE_TOP:
        problems.append(f"{len(lines)} lines at {size} px are {height} px high")
    return problems


def real_titles(site: Path) -> list[str]:
    return [heading(soup(p)) for p in built_pages(site)]


def test_sample_and_real_titles_wrap_by_the_rules_and_fit(site):
    titles = SAMPLES + real_titles(site)
    longest = max(real_titles(site), key=len)
    assert longest in titles
    problems = []
    for title in titles:
        layout = cards.fit_title(cards.for_display(title))
        assert not layout.truncated, f"{title!r} does not fit"
        problems += [f"{title!r}: {p}" for p in rule_breaks(list(layout.lines), cards.for_display(title))
                     + overflow(list(layout.lines), layout.size)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("title", SAMPLES[2:])
def test_every_line_width_keeps_the_rules(title):
    """Squeezed into ever narrower lines, a title still breaks only where the rules allow."""
    face = cards.font("Bold", 60)
    for ems in range(3, 30):
        wrapped = cards.wrap(title, face, ems * 60, 99)
        if wrapped is None:  # a word (with the marks it holds on to) is wider than the line
            assert ems < 12, f"no lines of {ems} ems"
            continue
        assert not rule_breaks(list(wrapped.lines), title), (ems, wrapped.lines)
        assert all(face.getlength(line) <= ems * 60 for line in wrapped.lines), (ems, wrapped.lines)


def test_real_cards_keep_the_rules_and_their_boxes(site):
    """On the cards as built: lines by the rules, and no ink outside the label, title and footer."""
    problems = []
    for path in built_pages(site):
        file = card_file(site, meta(soup(path))["og:image"])
        lines = drawn_lines(file)
        problems += [f"{file.name}: {p}" for p in rule_breaks(lines, card_title(lines, heading(soup(path))) or "")]
        problems += [f"{file.name}: {p}" for p in ink_outside_boxes(file)]
    assert not problems, "\n".join(problems)


def ink_outside_boxes(file: Path) -> list[str]:
    """Text pixels (near white: the background and the faint rings are not) outside the margins,
    or between the label, the title box and the footer."""
    image = Image.open(file).convert("RGB")
    slack = 0.15 * cards.TITLE_SIZES[0]  # glyphs may reach a little beyond their em box
    boxes = [
        (cards.MARGIN_X - 2, cards.MARGIN_Y - slack, cards.WIDTH - cards.MARGIN_X + 2,
         cards.LABEL_BASELINE + slack),
        (cards.MARGIN_X - 2, cards.TITLE_TOP - slack, cards.WIDTH - cards.MARGIN_X + 2, cards.TITLE_BOTTOM + slack),
        (cards.MARGIN_X - 2, cards.HEIGHT - cards.MARGIN_Y - cards.MARK_SIZE, cards.WIDTH - cards.MARGIN_X + 2,
         cards.HEIGHT - cards.MARGIN_Y + 2),
    ]
    pixels = image.load()
    outside = [(x, y) for y in range(0, cards.HEIGHT, 2) for x in range(0, cards.WIDTH, 2)
               if min(pixels[x, y]) > 200
               and not any(left <= x <= right and top <= y <= bottom for left, top, right, bottom in boxes)]
    return [f"{len(outside)} text pixels outside the boxes, e.g. {outside[:3]}"] if outside else []


def test_overlong_title_is_cut_with_an_ellipsis_inside_the_box():
    title = "多模态大模型" * 40
    layout = cards.fit_title(title)
    assert layout.truncated and layout.size == cards.TITLE_SIZES[-1]
    assert layout.lines[-1].endswith("…") and len(layout.lines) <= cards.MAX_TITLE_LINES
    assert not overflow(list(layout.lines), layout.size)
    word = "Supercalifragilisticexpialidocious" * 3  # one word wider than the card
    layout = cards.fit_title(word)
    assert layout.truncated and layout.lines[-1].endswith("…")
    assert not overflow(list(layout.lines), layout.size)


# --- Font ------------------------------------------------------------------------------------

def font_cmap(style: str) -> dict[int, str]:
    """The character map of the face the hook draws with, read with fontTools; the face must be
    the Simplified Chinese one (a .ttc holds the JP, KR, SC, TC and HK faces)."""
    path, index = cards._face(style)
    face = TTCollection(path, lazy=True).fonts[index]
    assert face["name"].getDebugName(1) == cards.FONT_FAMILY, face["name"].getDebugName(1)
    assert face["name"].getDebugName(2) == style
    return face.getBestCmap()


def test_every_character_on_every_card_is_in_the_font(site):
    """No tofu: each title, label and the site name (and the marks the card adds) have glyphs."""
    bold, regular = font_cmap("Bold"), font_cmap("Regular")
    site_name = meta(soup(site / "index.html"))["og:site_name"]
    titles = "".join(real_titles(site)) + cards.ELLIPSIS + cards.TWO_EM_DASH
    labels = "".join(meta(soup(p))["og:image:alt"] for p in built_pages(site)) + site_name
    lacking = {c for c in titles if not c.isspace() and ord(c) not in bold}
    lacking |= {c for c in labels if not c.isspace() and ord(c) not in regular}
    assert not lacking, sorted(lacking)
    # The build's own check (rendering compared with a missing glyph's) agrees with the cmap.
    assert cards.missing_glyphs(titles, cards.font("Bold", 40)) == []
    absent = [c for c in ("\U0001F600", "\U00020000", "\uE000") if ord(c) not in bold]
    assert absent and cards.missing_glyphs("多" + "".join(absent), cards.font("Bold", 40)) == sorted(absent)


def test_a_character_missing_from_the_font_is_reported():
    """The build warns (and so fails when strict) rather than drawing a box."""
    mark = cards.read_mark(ROOT / "docs" / "assets" / "favicon.svg", "favicon")
    _, problems = cards.draw(cards.Card("about", "about.md", "关于本站\U00020000", "", "多模态大模型", mark))
    assert any("U+20000" in p for p in problems), problems
    _, problems = cards.draw(cards.Card("about", "about.md", "关于本站", "", "多模态大模型", mark))
    assert problems == []


# --- Builds ----------------------------------------------------------------------------------

def test_missing_font_stops_the_build_naming_the_package(tmp_path):
    project = copy_project(tmp_path / "project", cards_cache=False)
    result = mkdocs_build(project, tmp_path / "site", env={cards.FONT_PATH_ENV: str(tmp_path / "no-fonts")})
    assert result.returncode != 0, "the build passed without the font"
    assert "Noto Sans CJK SC" in result.log and "apt-get install fonts-noto-cjk" in result.log, result.log[-2000:]


def test_title_too_long_for_the_card_fails_the_strict_build(tmp_path):
    project = copy_project(tmp_path / "project")
    summary = project / "docs" / "summary.md"
    text = summary.read_text(encoding="utf-8")
    assert "# 总结 {#summary}" in text, "fixture out of date"
    summary.write_text(text.replace("# 总结 {#summary}", "# 总结" + "：数据隐私与模型解释性" * 20 + " {#summary}"),
                       encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0, "the build passed"
    assert re.search(r"WARNING .*summary\.md: link-preview card: title '总结：数据隐私.*' does not fit", result.log), \
        result.log[-2000:]
    lines = drawn_lines(result.site / cards.CARD_DIR / "summary.png")
    assert lines[-1].endswith("…") and len(lines) <= cards.MAX_TITLE_LINES


def test_unchanged_cards_are_not_redrawn(tmp_path):
    project = copy_project(tmp_path / "project", cards_cache=False)
    first = mkdocs_build(project, tmp_path / "first")
    assert first.returncode == 0, first.log[-2000:]
    count = len(list((first.site / cards.CARD_DIR).iterdir()))
    assert f"{count} link-preview cards in {cards.CARD_DIR}/: {count} drawn, 0 from" in first.log
    second = mkdocs_build(project, tmp_path / "second")
    assert f"{count} link-preview cards in {cards.CARD_DIR}/: 0 drawn, {count} from" in second.log
    for card in (first.site / cards.CARD_DIR).iterdir():
        assert card.read_bytes() == (second.site / cards.CARD_DIR / card.name).read_bytes()
