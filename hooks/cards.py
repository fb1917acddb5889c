"""MkDocs hook: a 1200×630 PNG link-preview card (og:image) for every page, drawn with Pillow.

Material's social plugin is not used: it downloads its fonts from Google Fonts while building and
wraps titles only at spaces, so a Chinese title never wraps. Here:

- on_page_context: the card of each page is its title (the page's first heading; a question
  page's number moves into the label), a label from the nav ("领域问题/面试题库·第 4 题"), the
  site name and the favicon's rings. main.html writes the og:image tags from `link_card`. The
  404 page gets no card (it has no page context).
- on_post_build: each card is drawn once per content into .cache/cards/<sha256>.png and copied
  to assets/cards/<page id>.png in the site. Nothing a browser loads refers to the cards.
- Typesetting: Noto Sans CJK SC (Debian's fonts-noto-cjk), its face chosen by name. Lines break
  between CJK characters and at spaces, never inside a Latin word or number, never before
  closing or after opening punctuation (禁则); of the breaks allowed, those after punctuation and
  between phrases (jieba's words and tags) win, then even lines and a large size. A title too
  long even at TITLE_SIZES[-1] is cut with "…" and reported as a warning, which fails
  `mkdocs build --strict`; so is a character the font lacks (it would be drawn as a box).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.pages import Page
import PIL
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

import content

log = get_plugin_logger("cards")

WIDTH, HEIGHT = 1200, 630
CARD_DIR = "assets/cards"  # in the site: assets/cards/<page id>.png
CACHE_DIR = ".cache/cards"  # next to mkdocs.yml; git-ignored
# Part of each card's cache key: this file (the drawing) and Pillow's version, so a change to
# either redraws every card.
DRAWING = hashlib.sha256(Path(__file__).read_bytes()).hexdigest() + PIL.__version__

FONT_FAMILY = "Noto Sans CJK SC"
FONT_PACKAGE = "fonts-noto-cjk"
FONT_FILES = {"Bold": "NotoSansCJK-Bold.ttc", "Regular": "NotoSansCJK-Regular.ttc"}
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/fonts")
# Folders or font files to search instead of the system's fonts (e.g. on macOS, or in a test).
FONT_PATH_ENV = "CARD_FONTS"

# Theme colours: Material's indigo (mkdocs.yml palette primary) and its light tint for small text.
BACKGROUND = (0x40, 0x51, 0xB5)
TITLE_COLOUR = (0xFF, 0xFF, 0xFF)
SMALL_COLOUR = (0xE8, 0xEA, 0xF6)  # Material's indigo 50
BACKDROP_COLOUR = tuple(round(c + (255 - c) * 0.07) for c in BACKGROUND)  # 7 % white

MARGIN_X = 80
LABEL_SIZE = 32
FOOTER_SIZE = 30
MARK_SIZE, MARK_GAP = 56, 12  # the favicon's rings in the footer, px
# The same rings, large and faint, running off the right edge behind the text.
BACKDROP_SIZE, BACKDROP_AT = 640, (700, -5)
TITLE_SIZES = tuple(range(96, 43, -4))  # largest first; the last one is the smallest allowed
LINE_PITCH = 1.3  # title line distance, in ems
MAX_TITLE_LINES = 4
# Noto CJK's ideographic em box: 0.88 em above the baseline, 0.12 below. Text is placed by it.
EM_ASCENT, EM_DESCENT = 0.88, 0.12
MARGIN_Y, GAP = 72, 56  # card edge to label and footer; label and footer to the title
LABEL_BASELINE = MARGIN_Y + round(EM_ASCENT * LABEL_SIZE)
FOOTER_MIDDLE = HEIGHT - MARGIN_Y - MARK_SIZE / 2  # the mark and the site name centred on it
FOOTER_BASELINE = round(FOOTER_MIDDLE + (EM_ASCENT - EM_DESCENT) * FOOTER_SIZE / 2)
TITLE_TOP = LABEL_BASELINE + round(EM_DESCENT * LABEL_SIZE) + GAP
TITLE_BOTTOM = HEIGHT - MARGIN_Y - MARK_SIZE - GAP
TEXT_WIDTH = WIDTH - 2 * MARGIN_X
ELLIPSIS = "…"
TWO_EM_DASH = "\u2e3a"  # ⸺

# 禁则 (line-breaking rules): closing marks never start a line, opening marks never end one.
CLOSING = set("，。、：；！？）》」』】〕〗〙〛〉”’…‥·・〜～％,.:;!?)]}%/")
OPENING = set("（《「『【〔〖〘〚〈“‘([{")
PAIRED = set("—…‥\u2e3a")  # "——" and "……" are one mark drawn as two characters: never split
# Marks that are not part of a Latin word even though they are not full-width.
NOT_LATIN = PAIRED | set("“”‘’·")
# Not left in front of an ellipsis.
DANGLING = "".join(OPENING | PAIRED) + "，。、：；！？,.:;!? \u3000"
# Where a title breaks, in ems squared, against uneven lines (two lines k ems longer and shorter
# than even cost 2·k²) and against each line more than needed. Headlines break where a phrase
# ends: after punctuation best, between phrases well, inside a phrase ("医疗|领域", "在|医疗",
# "领域|的") or a word only if nothing else fits.
AFTER_PUNCTUATION, BETWEEN_PHRASES, IN_PHRASE, IN_WORD = -9.0, 9.0, 64.0, 100.0
EXTRA_LINE = 16.0
SMALLER_SIZE = 8.0  # per step down TITLE_SIZES: a larger title is easier to read in a preview
ATTACH_NEXT = {"p", "c"}  # jieba's tags: prepositions and conjunctions (在, 基于) open a phrase
ATTACH_PREV = {"uj", "ul", "uz", "ug", "uv", "ud", "y"}  # particles (的, 了, 着) close one


# --- Fonts -----------------------------------------------------------------------------------

def _font_candidates(style: str) -> list[Path]:
    override = os.environ.get(FONT_PATH_ENV)
    if override is not None:
        places = [Path(p) for p in override.split(os.pathsep) if p]
        return [f for p in places for f in ([p / FONT_FILES[style]] if p.is_dir() else [p]) if f.is_file()]
    found = []
    try:  # fontconfig knows where the distribution put the font
        listing = subprocess.run(["fc-list", "-f", "%{file}\n", f":family={FONT_FAMILY}:style={style}"],
                                 capture_output=True, text=True, timeout=30)
        found += [Path(line) for line in listing.stdout.splitlines() if line]
    except (OSError, subprocess.SubprocessError):
        pass
    found += [Path(d) / FONT_FILES[style] for d in FONT_DIRS]
    return [f for f in found if f.is_file()]


@lru_cache(maxsize=None)
def _face(style: str) -> tuple[str, int]:
    """(file, face index) of FONT_FAMILY in this style, found by the name each face declares:
    the order of the faces in a .ttc differs between font builds."""
    for path in _font_candidates(style):
        for index in range(64):
            try:
                face = ImageFont.truetype(str(path), 10, index=index)
            except OSError:
                break
            if face.getname() == (FONT_FAMILY, style):
                return str(path), index
    where = os.environ.get(FONT_PATH_ENV) or "fontconfig and " + ", ".join(FONT_DIRS)
    raise PluginError(f"link-preview cards need the font '{FONT_FAMILY} {style}', not found in {where}: "
                      f"install it with `apt-get install {FONT_PACKAGE}`")


@lru_cache(maxsize=None)
def font(style: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = _face(style)
    # The basic layout engine: the same widths with or without libraqm, so cards are reproducible.
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


def missing_glyphs(text: str, face: ImageFont.FreeTypeFont) -> list[str]:
    """Characters the font has no glyph for: they render exactly like an unassigned code point."""
    def rendering(char: str):
        mask = face.getmask(char)
        return mask.size, bytes(mask), face.getlength(char)

    notdef = rendering("\U0010FFFD")
    return sorted({c for c in text if not c.isspace() and rendering(c) == notdef})


# --- Line breaking ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Atom:
    """The smallest piece a line break cannot enter: a CJK character or mark, or a Latin word."""

    text: str
    start: int  # offset in the title
    space_before: bool


def _is_latin(char: str) -> bool:
    return not char.isspace() and char not in NOT_LATIN and unicodedata.east_asian_width(char) not in "WF"


def atoms(text: str) -> list[Atom]:
    found, space, i = [], False, 0
    while i < len(text):
        if text[i].isspace():
            space, i = True, i + 1
            continue
        j = i + 1
        if _is_latin(text[i]):
            while j < len(text) and _is_latin(text[j]):
                j += 1
        found.append(Atom(text[i:j], i, space and bool(found)))
        space, i = False, j
    return found


def _can_break_before(before: Atom, after: Atom) -> bool:
    if after.text[0] in CLOSING or before.text[-1] in OPENING:
        return False
    return not (before.text[-1] in PAIRED and after.text[0] == before.text[-1])


def _nominal(word: str, flag: str) -> bool:
    # jieba tags nouns n*, verbal nouns vn, Latin words eng; the glossary's terms are x.
    return flag[0] == "n" or flag in ("vn", "eng") or (flag == "x" and unicodedata.category(word[0])[0] == "L")


def _break_costs(text: str, pieces: list[Atom]) -> list[float]:
    """What a line break before each atom costs (ems squared), from jieba's words and tags
    (jieba knows the glossary's terms: hooks/glossary.py adds them)."""
    from jieba import posseg  # here: importing it takes 0.3 s, which a build from the cache skips

    words, start = [], 0
    for word, flag in posseg.lcut(text):
        if word.strip():
            words.append((start, word, flag))
        start += len(word)
    cost_at = {}
    for (_, first, first_flag), (start, second, second_flag) in zip(words, words[1:]):
        if first[-1] in CLOSING | PAIRED or second[0] in OPENING:
            cost_at[start] = AFTER_PUNCTUATION
        elif (first_flag in ATTACH_NEXT or second_flag in ATTACH_PREV
              or _nominal(first, first_flag) and _nominal(second, second_flag)):
            cost_at[start] = IN_PHRASE
        else:
            cost_at[start] = BETWEEN_PHRASES
    costs = [0.0]
    for before, atom in zip(pieces, pieces[1:]):
        if atom.space_before and _is_latin(before.text[-1]) and _is_latin(atom.text[0]):
            costs.append(IN_PHRASE)  # between two Latin words: mostly a name (Hugging Face)
        else:
            costs.append(cost_at.get(atom.start, IN_WORD))
    return costs


def _line(pieces: list[Atom]) -> str:
    return "".join((" " if a.space_before and k else "") + a.text for k, a in enumerate(pieces))


@dataclass(frozen=True)
class Wrapped:
    lines: tuple[str, ...]
    cost: float  # of its breaks, uneven lines and extra lines, in ems squared


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float, max_lines: int) -> Wrapped | None:
    """Lines of at most `width` px, as few and as even as possible, broken where phrases end
    rather than inside words; None if the text needs more than max_lines lines."""
    pieces = atoms(text)
    if not pieces:
        return Wrapped((), 0.0)
    n, em2 = len(pieces), face.size ** 2
    costs = _break_costs(text, pieces)
    breaks = [0] + [i for i in range(1, n) if _can_break_before(pieces[i - 1], pieces[i])] + [n]

    @lru_cache(maxsize=None)
    def measure(a: int, b: int) -> float:
        return face.getlength(_line(pieces[a:b]))

    following = {a: breaks[k + 1:] for k, a in enumerate(breaks)}
    best: tuple[float, Wrapped] | None = None
    fewest = None
    # Two lines more than the fewest is plenty: each costs EXTRA_LINE.
    for lines in range(1, max_lines + 1):
        if fewest and lines > fewest + 2:
            break
        target = measure(0, n) / lines  # even lines
        # row[b]: (cost, previous break) of the best lines so far that end at break b
        rows: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
        for _ in range(lines):
            row: dict[int, tuple[float, int]] = {}
            for a, (cost, _) in rows[-1].items():
                for b in following[a]:
                    used = measure(a, b)
                    if used > width:
                        break  # and so are all longer lines from a
                    total = cost + (target - used) ** 2 + (costs[b] * em2 if b < n else 0.0)
                    if b not in row or total < row[b][0]:
                        row[b] = (total, a)
            rows.append(row)
        if n not in rows[-1]:
            continue
        fewest = fewest or lines
        total = rows[-1][n][0] + (lines - fewest) * EXTRA_LINE * em2
        if best is None or total < best[0]:
            cuts, b = [], n
            for k in range(lines, 0, -1):
                a = rows[k][b][1]
                cuts.append((a, b))
                b = a
            best = (total, Wrapped(tuple(_line(pieces[a:b]) for a, b in reversed(cuts)), total / em2))
    return best[1] if best else None


def truncate(text: str, face: ImageFont.FreeTypeFont, width: float, max_lines: int) -> list[str]:
    """Lines filled greedily (same rules as wrap) up to max_lines, or up to a line that cannot fit
    at all (a word wider than the box); that last line is cut short and ends with an ellipsis."""
    lines: list[list[Atom]] = [[]]
    for atom in atoms(text):
        line = lines[-1]
        if not line or face.getlength(_line(line + [atom])) <= width:
            line.append(atom)
            continue
        carry = [atom]  # with what may not be parted from it: a closing mark takes its neighbour
        while len(line) > 1 and not _can_break_before(line[-1], carry[0]):
            carry.insert(0, line.pop())
        if (len(lines) == max_lines or not _can_break_before(line[-1], carry[0])
                or face.getlength(_line(line)) > width):
            line.extend(carry)  # this line is the last: cut below
            break
        lines.append(carry)
    for k, line in enumerate(lines):
        if face.getlength(_line(line)) > width or k == len(lines) - 1:
            return [_line(kept) for kept in lines[:k]] + [_cut(line, face, width)]
    raise AssertionError("unreachable")


def _cut(line: list[Atom], face: ImageFont.FreeTypeFont, width: float) -> str:
    """The line shortened until it fits with an ellipsis: by whole words, or, for a single word
    wider than the box, by characters; no punctuation or space is left before the ellipsis."""
    def ending(text: str) -> str:
        return text.rstrip(DANGLING) + ELLIPSIS

    line = list(line)
    while len(line) > 1 and face.getlength(ending(_line(line))) > width:
        line.pop()
    text = _line(line)
    while text and face.getlength(ending(text)) > width:
        text = text[:-1]
    return ending(text)


@dataclass(frozen=True)
class TitleLayout:
    lines: tuple[str, ...]
    size: int
    truncated: bool


def title_lines(size: int) -> int:
    pitch = LINE_PITCH * size
    return min(MAX_TITLE_LINES, int((TITLE_BOTTOM - TITLE_TOP - size) // pitch) + 1)


def fit_title(title: str) -> TitleLayout:
    """The best of the layouts at each size: large, and broken between phrases; if the title
    fits at no size, the smallest size, cut short."""
    best: tuple[float, TitleLayout] | None = None
    for step, size in enumerate(TITLE_SIZES):
        wrapped = wrap(title, font("Bold", size), TEXT_WIDTH, title_lines(size))
        if wrapped is not None:
            score = wrapped.cost + step * SMALLER_SIZE
            if best is None or score < best[0]:
                best = (score, TitleLayout(wrapped.lines, size, False))
    if best:
        return best[1]
    size = TITLE_SIZES[-1]
    return TitleLayout(tuple(truncate(title, font("Bold", size), TEXT_WIDTH, title_lines(size))), size, True)


def fit_line(text: str, face: ImageFont.FreeTypeFont, width: float = TEXT_WIDTH) -> tuple[str, bool]:
    """The text on one line; else cut short (True)."""
    wrapped = wrap(text, face, width, 1)
    return (wrapped.lines[0], False) if wrapped else (truncate(text, face, width, 1)[0], True)


# --- Cards -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """The site's logo, the favicon's rings: (cx, cy, r) in a square of `view` units."""

    view: float
    rings: tuple[tuple[float, float, float], ...]
    stroke: float


def read_mark(path: Path, where: str) -> Mark:
    """The rings of the favicon (an SVG of <circle> outlines), to draw them in the card's footer."""
    try:
        svg = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PluginError(f"{where}: cannot read: {error}") from None
    view = re.search(r'viewBox="0 0 ([\d.]+) \1"', svg)
    stroke = re.search(r'stroke-width="([\d.]+)"', svg)
    rings = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', svg)
    if not (view and stroke and rings):
        raise PluginError(f"{where}: link-preview cards draw the site's mark from this file's square "
                          "viewBox and <circle> rings with a stroke-width; it has none (see hooks/cards.py)")
    return Mark(float(view.group(1)), tuple(tuple(map(float, r)) for r in rings), float(stroke.group(1)))


@lru_cache(maxsize=None)
def _mark_image(mark: Mark, size: int) -> Image.Image:
    """The rings as an anti-aliased alpha mask, size × size px (drawn 4× larger, then reduced)."""
    scale = 4 * size / mark.view
    big = Image.new("L", (4 * size, 4 * size), 0)
    pen = ImageDraw.Draw(big)
    for cx, cy, r in mark.rings:
        outer = (r + mark.stroke / 2) * scale
        pen.ellipse((cx * scale - outer, cy * scale - outer, cx * scale + outer, cy * scale + outer),
                    outline=255, width=round(mark.stroke * scale))
    return big.resize((size, size), Image.Resampling.LANCZOS)


@dataclass(frozen=True)
class Card:
    page_id: str
    src_uri: str
    title: str
    label: str
    site_name: str
    mark: Mark

    @property
    def path(self) -> str:
        return f"{CARD_DIR}/{self.page_id}.png"

    @property
    def alt(self) -> str:
        """What the card shows, as text (an overview's label already names its title)."""
        if not self.label or self.label.startswith(self.title):
            return self.label or self.title
        return f"{self.label}：{self.title}"

    def key(self) -> str:
        data = [self.title, self.label, self.site_name, repr(self.mark), FONT_FAMILY, DRAWING]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def for_display(text: str) -> str:
    """Two em dashes drawn as one unbroken line: the font's U+2014 is a Latin dash with gaps."""
    return text.replace("——", TWO_EM_DASH)


def draw(card: Card) -> tuple[bytes, list[str]]:
    """The card as PNG bytes, and the problems found (each one fails a strict build)."""
    problems = []
    title_text, label_text = for_display(card.title), for_display(card.label)
    label_face, footer_face = font("Regular", LABEL_SIZE), font("Regular", FOOTER_SIZE)
    for text, face in ((title_text, font("Bold", TITLE_SIZES[0])), (label_text, label_face),
                       (card.site_name, footer_face)):
        lacking = missing_glyphs(text, face)
        if lacking:
            problems.append(f"'{text}' has characters that {FONT_FAMILY} lacks (drawn as boxes): "
                            + " ".join(f"{c} (U+{ord(c):04X})" for c in lacking))
    title = fit_title(title_text)
    if title.truncated:
        problems.append(f"title '{card.title}' does not fit even at {title.size} px; "
                        f"the card shows '{''.join(title.lines)}'")

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    image.paste(BACKDROP_COLOUR, BACKDROP_AT, _mark_image(card.mark, BACKDROP_SIZE))
    pen = ImageDraw.Draw(image)
    if label_text:
        label, cut = fit_line(label_text, label_face)
        if cut:
            problems.append(f"section label '{card.label}' is too long for the card")
        pen.text((MARGIN_X, LABEL_BASELINE), label, font=label_face, fill=SMALL_COLOUR, anchor="ls")

    # Footer: the mark (its rings' left edge on the margin) and the site name.
    inset = min(cx - r - card.mark.stroke / 2 for cx, _, r in card.mark.rings) * MARK_SIZE / card.mark.view
    mark_left = MARGIN_X - round(inset)
    image.paste(TITLE_COLOUR, (mark_left, round(FOOTER_MIDDLE - MARK_SIZE / 2)), _mark_image(card.mark, MARK_SIZE))
    left = mark_left + MARK_SIZE + MARK_GAP
    footer, cut = fit_line(card.site_name, footer_face, WIDTH - MARGIN_X - left)
    if cut:
        problems.append(f"site name '{card.site_name}' is too long for the card")
    pen.text((left, FOOTER_BASELINE), footer, font=footer_face, fill=SMALL_COLOUR, anchor="ls")

    # The title block, centred vertically in its box by the em boxes of its lines.
    face = font("Bold", title.size)
    pitch = LINE_PITCH * title.size
    block = (len(title.lines) - 1) * pitch + title.size
    baseline = TITLE_TOP + (TITLE_BOTTOM - TITLE_TOP - block) / 2 + EM_ASCENT * title.size
    for number, line in enumerate(title.lines):
        pen.text((MARGIN_X, round(baseline + number * pitch)), line, font=face, fill=TITLE_COLOUR, anchor="ls")

    # A few flat colours with anti-aliased edges: a palette PNG keeps each card well under 100 KB.
    # The title goes into the PNG's Title field as drawn, one line per line (the tests read it).
    info = PngImagePlugin.PngInfo()
    info.add_itxt("Title", "\n".join(title.lines), lang="zh-CN")
    png = io.BytesIO()
    image.quantize(colors=64, dither=Image.Dither.NONE).save(png, format="PNG", optimize=True, pnginfo=info)
    return png.getvalue(), problems


# --- Hook events -----------------------------------------------------------------------------

_state: dict = {}
NUMBERED = re.compile(r"^(\d+)\.\s*")


def on_config(config, **kwargs):
    _state.clear()
    _state["cards"] = {}
    favicon = config.theme["favicon"]
    _state["mark"] = read_mark(Path(config.docs_dir) / favicon, f"docs/{favicon}")
    return config


def _heading(page: Page) -> str:
    """The page's first heading as the reader sees it (notebooks.py sets notebook pages' TOC)."""
    for item in page.toc:
        if item.level == 1:
            return html.unescape(item.title).strip()
    return (page.title or "").strip()


def card_for(page: Page, site_name: str, mark: Mark) -> Card:
    title, label = _heading(page), ""
    section = page.parent
    if section is not None:
        # A question bank's questions are its pages with a numbered heading ("4. ……"); other pages
        # of a section (the glossary's categories, the site's own notebook) are labelled by the
        # section alone.
        questions = [p for p in section.children if p.is_page and not p.is_index and NUMBERED.match(_heading(p))]
        label = "" if title.startswith(section.title) else section.title  # "术语表：模型与架构" says it
        if page.is_index and questions:
            label = f"{section.title}·共 {len(questions)} 题"
        elif page in questions:
            number = questions.index(page) + 1
            numbered = NUMBERED.match(title)
            label = f"{section.title}·第 {numbered.group(1)} 题"
            if int(numbered.group(1)) == number:  # the label says it already
                title = title[numbered.end():]
    if page.meta.get("addition") and label:
        # A page written wholly by the site (a notebook's metadata site.addition): its title no
        # longer says so, the label does.
        label = f"{label}·本站补充"
    if page.file.src_uri.startswith(content.BANK_DIR) and page.file.src_uri.count("/") == 2:
        # The 延伸题库's groups are named for their topic; the label says whose questions they are.
        questions = [p for p in section.children if p.is_page and not p.is_index]
        label = f"延伸题库·{section.title}" + (f"·共 {len(questions)} 题" if page.is_index else "")
    return Card(content.page_id(page.file.src_uri), page.file.src_uri, title, label, site_name, mark)


@event_priority(-100)  # after notebooks.py has set the notebook pages' titles
def on_page_context(context, page: Page, config, nav, **kwargs):
    card = card_for(page, config.site_name, _state["mark"])
    other = _state["cards"].get(card.page_id)
    if other is not None and other.src_uri != card.src_uri:
        raise PluginError(f"{card.src_uri} and {other.src_uri} would share the card {card.path}")
    _state["cards"][card.page_id] = card
    context["link_card"] = {
        "url": urljoin(config.site_url or "/", card.path),
        "width": WIDTH,
        "height": HEIGHT,
        "alt": card.alt,
        "type": "image/png",
    }
    return context


def on_post_build(config, **kwargs):
    cache = Path(config.config_file_path).parent / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    drawn = 0
    for card in _state["cards"].values():
        cached = cache / f"{card.key()}.png"
        target = Path(config.site_dir) / card.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if cached.is_file():
            shutil.copyfile(cached, target)
            continue
        png, problems = draw(card)
        drawn += 1
        for problem in problems:
            log.warning(f"{card.src_uri}: link-preview card: {problem}")
        target.write_bytes(png)
        if not problems:  # a flawed card is redrawn (and reported) by every build until fixed
            partial = cached.with_suffix(f".{os.getpid()}.part")  # builds may run side by side (make test)
            partial.write_bytes(png)
            partial.replace(cached)
    log.info(f"{len(_state['cards'])} link-preview cards in {CARD_DIR}/: {drawn} drawn, "
             f"{len(_state['cards']) - drawn} from {CACHE_DIR}/")
