"""The site's data, read and checked once per build: article pages and the glossary.

Not a hook itself: pages.py and glossary.py import it. A defect raises PluginError with
a message that names the file and the entry, which stops `mkdocs build`.
"""

from __future__ import annotations

import datetime
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.utils.meta import get_data

GLOSSARY_FILE = "glossary.yml"  # inside docs_dir
GLOSSARY_PAGE_ID = "glossary"  # the glossary page's own heading id, so no term or category may take it
# The glossary is generated (hooks/glossary.py): an index page and one page per category.
GLOSSARY_DIR = "glossary"
GLOSSARY_INDEX = f"{GLOSSARY_DIR}/index.md"
RESERVED_IDS = (GLOSSARY_PAGE_ID, "index")  # "index" would be the category page glossary/index.md
FIRST_SOURCE_YEAR = 1800
TERM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEADING = re.compile(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*$", re.MULTILINE)
SENTENCE_END = re.compile(r"[。！？]")
CODE_SECTION = "code/"  # the article's 算法编程题库, one notebook per example
NUMBERED = re.compile(r"^(\d+)\.\s*(.+?)。?$")


def nav_title(src_uri: str, heading: str) -> str:
    """The title shown in the nav, the footer, search results and lists of pages. It is the page's
    first heading, except for the code examples: the author's "1. 实现……模型。" is numbered like
    question 1 and ends in a full stop, so lists call it "编程题 1：实现……模型". The page keeps
    the author's heading."""
    match = NUMBERED.match(heading)
    if src_uri.startswith(CODE_SECTION) and match:
        return f"编程题 {match.group(1)}：{match.group(2)}"
    return heading


def relative(from_uri: str, to_uri: str, anchor: str = "") -> str:
    """A Markdown link target from one source file to another (MkDocs resolves and checks it);
    on the same page, the anchor alone."""
    target = "" if to_uri == from_uri else posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")
    return f"{target}#{anchor}" if anchor else target


TRAILING_PUNCTUATION = re.compile(r"([？。！])$")


def link(title: str, href: str) -> str:
    """A Markdown link to a page, with a trailing full-width ？。！ outside it: an underline under
    the glyph's built-in trailing space reads as a space inside the link."""
    text, mark = TRAILING_PUNCTUATION.split(title)[0], "".join(TRAILING_PUNCTUATION.findall(title))
    return f"[{text}]({href}){mark}"


@dataclass(frozen=True)
class ArticlePage:
    """A page of the site: its id is its file name (a folder's index.md: the folder's name,
    the home page: "home"), its title the nav_title() of its first heading."""

    id: str
    src_uri: str
    title: str
    description: str
    related: tuple[str, ...]


def is_generated(src_uri: str) -> bool:
    """Pages made by hooks rather than read from docs/: the glossary's."""
    return src_uri.startswith(f"{GLOSSARY_DIR}/")


def category_uri(category_id: str) -> str:
    """The glossary page of one category: glossary/<id>.md, URL glossary/<id>/."""
    return f"{GLOSSARY_DIR}/{category_id}.md"


@dataclass(frozen=True)
class Source:
    """Where a term comes from: the paper that introduced it or its official documentation."""

    title: str
    year: int
    url: str


@dataclass(frozen=True)
class Term:
    id: str
    zh: str
    en: str
    abbr: tuple[str, ...]
    aliases: tuple[str, ...]
    category: str
    definition: str
    questions: tuple[str, ...]
    source: Source | None = None

    @property
    def uri(self) -> str:
        """The glossary page that holds this term's entry (its anchor is the id)."""
        return category_uri(self.category)

    @property
    def names(self) -> tuple[str, ...]:
        """Every string a reader may write for this term, most specific first."""
        seen: dict[str, None] = {}
        for name in (self.zh, self.en, *self.abbr, *self.aliases):
            seen.setdefault(name, None)
        return tuple(seen)

    @property
    def heading(self) -> str:
        latin = [n for n in (self.en, *self.abbr) if n != self.zh]
        return f"{self.zh}（{'，'.join(latin)}）" if latin else self.zh


@dataclass(frozen=True)
class Glossary:
    categories: dict[str, str]  # id -> display name, in page order
    terms: tuple[Term, ...]

    def used_in_definitions(self) -> dict[str, tuple[str, ...]]:
        """Term id -> ids of the other terms whose definitions use it (as the term links read them)."""
        pattern = term_pattern(self.terms)
        by_name = terms_by_name(self.terms)
        users: dict[str, list[str]] = {t.id: [] for t in self.terms}
        for term in self.terms:
            for match in pattern.finditer(term.definition):
                used = by_name[match.group(0).casefold()]
                if used.id != term.id and term.id not in users[used.id]:
                    users[used.id].append(term.id)
        return {term_id: tuple(ids) for term_id, ids in users.items()}


def term_pattern(terms) -> re.Pattern:
    """Every name of every term, longest first, so 卷积神经网络 wins over 神经网络; names with Latin
    letters match only as whole words and in any case ("top-k" is Top-k), and never as part of an
    address or identifier ("huggingface.co", "OFA-Sys/chinese-clip-vit-base-patch16")."""
    names = sorted({n for t in terms for n in t.names}, key=len, reverse=True)
    parts = []
    for name in names:
        escaped = re.escape(name)
        if re.search(r"[A-Za-z0-9]", name):
            escaped = rf"(?<![A-Za-z0-9_/.-])(?i:{escaped})(?![A-Za-z0-9_]|[./-][A-Za-z0-9])"
        parts.append(escaped)
    return re.compile("|".join(parts))


def terms_by_name(terms) -> dict:
    """casefold(name) -> term: what a match of term_pattern refers to."""
    return {n.casefold(): t for t in terms for n in t.names}


def _page_from_markdown(src_uri: str, text: str) -> tuple[str, dict]:
    meta_text, meta = get_data(text)
    match = HEADING.search(meta_text)
    return (match.group(1) if match else ""), meta


def _page_from_notebook(src_uri: str, text: str) -> tuple[str, dict]:
    notebook = json.loads(text)
    title = ""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            match = HEADING.search("".join(cell.get("source", "")))
            if match:
                title = match.group(1)
                break
    return title, notebook.get("metadata", {}).get("site", {})


def page_id(src_uri: str) -> str:
    """qa/nlp.md -> nlp, code/mnist.ipynb -> mnist, qa/index.md -> qa, index.md -> home."""
    folder, _, name = src_uri.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    if stem == "index":
        return folder.rsplit("/", 1)[-1] if folder else "home"
    return stem


def article_pages(files: Files) -> dict[str, ArticlePage]:
    """Every authored page by id, in file order; checks title and description."""
    pages: dict[str, ArticlePage] = {}
    for file in files.documentation_pages():
        uri = file.src_uri
        if is_generated(uri):
            continue
        reader = _page_from_notebook if uri.endswith(".ipynb") else _page_from_markdown
        title, meta = reader(uri, file.content_string)
        page_id_ = page_id(uri)
        if page_id_ in pages:
            raise PluginError(f"{uri}: page id '{page_id_}' is also used by {pages[page_id_].src_uri}")
        if not title:
            raise PluginError(f"{uri}: no '# ' heading to use as the page title")
        if not str(meta.get("description", "")).strip():
            raise PluginError(f"{uri}: missing 'description' (used for search snippets and link previews)")
        pages[page_id_] = ArticlePage(
            page_id_, uri, nav_title(uri, title), str(meta["description"]).strip(), tuple(meta.get("related", ()))
        )
    for page in pages.values():
        for other in page.related:
            if other not in pages:
                raise PluginError(f"{page.src_uri}: 'related' names '{other}', which is not a page id")
    return pages


_FIELDS: dict[str, type] = {
    "id": str,
    "zh": str,
    "en": str,
    "abbr": list,
    "aliases": list,
    "category": str,
    "definition": str,
    "questions": list,
}
_OPTIONAL_FIELDS: dict[str, type] = {"source": dict}
_SOURCE_FIELDS = ("title", "year", "url")


def _source(value, fail) -> Source:
    """A `source` mapping: a non-empty title, a plausible year and an https:// link."""
    if not isinstance(value, dict):
        raise fail("'source' must be a mapping with title, year and url")
    missing = [f for f in _SOURCE_FIELDS if f not in value]
    unknown = sorted(set(value) - set(_SOURCE_FIELDS))
    if missing or unknown:
        raise fail(f"'source' needs exactly title, year and url (missing: {', '.join(missing) or '-'}; "
                   f"unknown: {', '.join(unknown) or '-'})")
    title, year, url = value["title"], value["year"], value["url"]
    if not isinstance(title, str) or not title.strip():
        raise fail("'source' has an empty title")
    this_year = datetime.date.today().year
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_SOURCE_YEAR <= year <= this_year:
        raise fail(f"'source' year {year!r} is not a year between {FIRST_SOURCE_YEAR} and {this_year}")
    parsed = urlparse(url) if isinstance(url, str) else None
    if parsed is None or parsed.scheme != "https" or not parsed.netloc or re.search(r"\s", url):
        raise fail(f"'source' url {url!r} is not an https:// link")
    return Source(title.strip(), year, url)


def _merged_questions(own: list, from_pages, fail) -> tuple[str, ...]:
    both = sorted(set(own) & set(from_pages))
    if both:
        raise fail(f"'questions' names {', '.join(both)}, whose front matter lists this term already; keep one")
    return tuple(own) + tuple(from_pages)


def load_glossary(path: Path, page_ids: set[str] | None, where: str,
                  page_uses: dict[str, list[str]] | None = None) -> Glossary:
    """Read the glossary; any defect stops the build with `where` and the entry's name in the message.
    page_ids None: pages are not known yet, so `questions` is not checked against them.
    page_uses: term id -> the bank pages whose front matter lists it; added to its `questions`."""
    page_uses = page_uses or {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PluginError(f"{where}: cannot read: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list) or not isinstance(
        data.get("terms"), list
    ):
        raise PluginError(f"{where}: needs top-level lists 'categories' and 'terms'")

    categories: dict[str, str] = {}
    for number, entry in enumerate(data["categories"], 1):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
            raise PluginError(f"{where}: category #{number} needs 'id' and 'name'")
        if not TERM_ID.match(str(entry["id"])) or entry["id"] in RESERVED_IDS:
            raise PluginError(f"{where}: category '{entry['id']}': id must be lowercase ASCII words "
                              f"joined by '-', other than {' or '.join(repr(r) for r in RESERVED_IDS)}")
        categories[str(entry["id"])] = str(entry["name"])

    terms: list[Term] = []
    owner_of_name: dict[str, str] = {}
    for number, entry in enumerate(data["terms"], 1):
        label = f"term #{number}"
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            label = f"term '{entry['id']}'"
        if not isinstance(entry, dict):
            raise PluginError(f"{where}: {label} is not a mapping")

        def fail(message: str) -> PluginError:
            return PluginError(f"{where}: {label}: {message}")

        for field, kind in _FIELDS.items():
            if field not in entry or entry[field] is None:
                raise fail(f"missing field '{field}'")
            if not isinstance(entry[field], kind):
                raise fail(f"field '{field}' must be a {kind.__name__}")
            if kind is str and not entry[field].strip():
                raise fail(f"field '{field}' is empty")
        unknown = set(entry) - set(_FIELDS) - set(_OPTIONAL_FIELDS)
        if unknown:
            raise fail(f"unknown field(s) {', '.join(sorted(unknown))}")
        if not TERM_ID.match(entry["id"]) or entry["id"] == GLOSSARY_PAGE_ID:
            raise fail(f"id must be lowercase ASCII words joined by '-', other than '{GLOSSARY_PAGE_ID}'")
        for field in ("abbr", "aliases", "questions"):
            for item in entry[field]:
                if not isinstance(item, str) or not item.strip() or item != item.strip():
                    raise fail(f"'{field}' has {item!r}: each item must be a non-empty string "
                               "without surrounding spaces (quote values YAML would read as numbers or booleans)")
        if any(t.id == entry["id"] for t in terms):
            raise fail("duplicate id")
        if entry["id"] in categories:
            raise fail("id is also a category id (both are anchors on the glossary page)")
        if entry["category"] not in categories:
            raise fail(f"unknown category '{entry['category']}'")
        for page_id in entry["questions"]:
            if page_ids is not None and page_id not in page_ids:
                raise fail(f"'questions' names '{page_id}', which is not a page id (see hooks/content.py page_id)")
        sentences = len(SENTENCE_END.findall(entry["definition"]))
        if not 1 <= sentences <= 3:
            raise fail(f"definition has {sentences} sentences; write 1 to 3, each ending in 。")
        term = Term(
            entry["id"],
            entry["zh"].strip(),
            entry["en"].strip(),
            tuple(str(a) for a in entry["abbr"]),
            tuple(str(a) for a in entry["aliases"]),
            entry["category"],
            " ".join(entry["definition"].split()),
            _merged_questions(entry["questions"], page_uses.get(entry["id"], ()), fail),
            _source(entry["source"], fail) if "source" in entry else None,
        )
        # Names are compared ignoring case: two spellings that differ only in case are one name
        # (search ignores case anyway), and two terms must never share one.
        spelled: dict[str, str] = {}
        for name in term.names:
            key = name.casefold()
            if key in spelled:
                raise fail(f"names '{spelled[key]}' and '{name}' differ only in case; keep one")
            spelled[key] = name
            other = owner_of_name.setdefault(key, term.id)
            if other != term.id:
                raise fail(f"name '{name}' is already used by term '{other}'")
        terms.append(term)
    glossary = Glossary(categories, tuple(terms))
    if page_ids is None:
        return glossary  # read before the pages are known: the bank pages' `terms` come later
    # A term that no page uses must at least be used by another definition, where it is linked.
    users = glossary.used_in_definitions()
    for term in glossary.terms:
        if not term.questions and not users[term.id]:
            raise PluginError(f"{where}: term '{term.id}': 'questions' lists no page and no other "
                              "term's definition uses it")
    return glossary


DOWNLOADS_FILE = "notebooks/downloads.txt"  # next to mkdocs.yml


@dataclass(frozen=True)
class Download:
    notebook: str  # the notebook's name, e.g. "gpt2"
    kind: str  # "keras-dataset" or "huggingface"
    what: str  # the dataset's name or the model's id, with "@<revision>" when pinned
    size: str  # approximate, e.g. "550 MB"

    @property
    def name(self) -> str:
        """What readers know it by: the model id without its pinned revision."""
        return self.what.split("@", 1)[0]


def load_downloads(root: Path) -> list[Download]:
    """notebooks/downloads.txt: what each notebook downloads on its first run."""
    path = root / DOWNLOADS_FILE
    downloads = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split(None, 3)
        if len(fields) != 4 or fields[1] not in ("keras-dataset", "huggingface"):
            raise PluginError(f"{DOWNLOADS_FILE}:{number}: expected 'notebook keras-dataset|huggingface "
                              f"what size', got {line.strip()!r}")
        downloads.append(Download(*fields))
    return downloads


# --- The 延伸题库 (question bank): docs/bank/<group>/<id>.md, the site's own questions ---------

BANK_DIR = "bank/"
BANK_PARTS = (("速答", "quick"), ("详解", "detail"), ("追问", "follow-up"))  # written by the author
REFERENCES = ("参考", "references")  # appended by pages.py from `sources`
FREQUENCIES = ("常见", "偶尔")
DIFFICULTY_NAMES = {1: "基础", 2: "进阶", 3: "深入"}
QUICK_LINES = (3, 6)
MIN_FOLLOW_UPS = 2
ANY_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$")
HEADING_ID = re.compile(r"^(.*?)\s*\{#([A-Za-z0-9_-]+)\}$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_BANK_FIELDS: dict[str, type] = {"description": str, "difficulty": int, "frequency": str, "tags": list,
                                 "related": list, "terms": list, "checked": datetime.date, "sources": list}


@dataclass(frozen=True)
class FollowUp:
    """One 追问: its anchor (stable: practice cards are keyed on it), question and answer (Markdown)."""

    id: str
    question: str
    answer: str


@dataclass(frozen=True)
class BankPage:
    id: str
    src_uri: str
    group: str  # the folder under bank/
    title: str
    difficulty: int
    frequency: str
    tags: tuple[str, ...]
    terms: tuple[str, ...]
    checked: datetime.date
    sources: tuple[Source, ...]
    quick: str  # the 速答, Markdown
    follow_ups: tuple[FollowUp, ...]


def is_bank_question(src_uri: str) -> bool:
    """docs/bank/<group>/<id>.md, not an overview (index.md)."""
    return src_uri.startswith(BANK_DIR) and src_uri.count("/") == 2 and not src_uri.endswith("/index.md")


def _headings(markdown: str) -> list[tuple[int, int, str]]:
    """(line number, level, text) of each ATX heading outside fenced code."""
    found, fence = [], None
    for number, line in enumerate(markdown.splitlines()):
        opening = FENCE.match(line)
        if opening:
            mark = opening.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence) and not line.strip()[len(mark):].strip():
                fence = None
            continue
        match = ANY_HEADING.match(line) if fence is None else None
        if match:
            found.append((number, len(match.group(1)), match.group(2)))
    return found


def bank_page(src_uri: str, text: str) -> BankPage:
    """Read and check one bank page: its front matter and its parts (速答, 详解, ≥2 追问, each
    heading with a stable id). Any defect raises PluginError naming the file and the field."""

    def fail(message: str) -> PluginError:
        return PluginError(f"{src_uri}: {message}")

    body, meta = get_data(text)
    for field, kind in _BANK_FIELDS.items():
        if field not in meta or meta[field] is None:
            raise fail(f"missing front matter field '{field}'")
        value = meta[field]
        if not isinstance(value, kind) or isinstance(value, bool) or (kind is str and not value.strip()):
            raise fail(f"front matter '{field}' must be a non-empty {kind.__name__}, got {value!r}")
    unknown = sorted(set(meta) - set(_BANK_FIELDS))
    if unknown:
        raise fail(f"unknown front matter field(s) {', '.join(unknown)}")
    if meta["difficulty"] not in DIFFICULTY_NAMES:
        raise fail(f"'difficulty' is {meta['difficulty']!r}; write 1, 2 or 3")
    if meta["frequency"] not in FREQUENCIES:
        raise fail(f"'frequency' is {meta['frequency']!r}; write {' or '.join(FREQUENCIES)}")
    if not 1 <= len(meta["tags"]) <= 4 or not all(isinstance(t, str) and t.strip() for t in meta["tags"]):
        raise fail("'tags' needs 1 to 4 non-empty names")
    for field in ("related", "terms"):
        if not all(isinstance(item, str) and TERM_ID.match(item) for item in meta[field]):
            raise fail(f"'{field}' must list ids (lowercase ASCII words joined by '-')")
    if meta["checked"] > datetime.date.today():
        raise fail(f"'checked' {meta['checked']} is in the future")
    if not meta["sources"]:
        raise fail("'sources' lists no source; cite the primary sources the page's facts come from")
    sources = tuple(_source(entry, lambda m: fail(f"source #{n}: {m}")) for n, entry in enumerate(meta["sources"], 1))

    page_id_ = page_id(src_uri)
    headings = _headings(body)
    lines = body.splitlines()
    ids: set[str] = set()
    for _, level, heading in headings:
        match = HEADING_ID.match(heading)
        if not match:
            raise fail(f"heading '{heading}' needs a stable id: write it as '{heading} {{#ascii-id}}'")
        if match.group(2) in ids:
            raise fail(f"heading id '#{match.group(2)}' is used twice")
        ids.add(match.group(2))
    titles = [(n, HEADING_ID.match(h).groups()) for n, level, h in headings if level == 1]
    if len(titles) != 1 or titles[0][1][1] != page_id_:
        raise fail(f"needs exactly one '# <question> {{#{page_id_}}}' (the id is the file name)")
    parts = [(n, HEADING_ID.match(h).groups()) for n, level, h in headings if level == 2]
    wanted = [f"## {name} {{#{anchor}}}" for name, anchor in BANK_PARTS]
    if [pair for _, pair in parts] != list(BANK_PARTS):
        found = ", ".join(f"'## {name} {{#{anchor}}}'" for _, (name, anchor) in parts) or "none"
        missing = [w for (name, anchor), w in zip(BANK_PARTS, wanted) if (name, anchor) not in [p for _, p in parts]]
        raise fail(f"needs exactly the parts {', '.join(wanted)} in this order"
                   + (f"; missing {', '.join(missing)}" if missing else "") + f" (found {found}); "
                   f"'## {REFERENCES[0]}' is made from 'sources'")
    (quick_at, _), (detail_at, _), (follow_at, _) = parts
    quick = "\n".join(lines[quick_at + 1:detail_at]).strip()
    quick_lines = [line for line in quick.splitlines() if line.strip()]
    if not QUICK_LINES[0] <= len(quick_lines) <= QUICK_LINES[1]:
        raise fail(f"速答 has {len(quick_lines)} lines; write {QUICK_LINES[0]}–{QUICK_LINES[1]} "
                   "(what a candidate says in 30 seconds)")
    if not "\n".join(lines[detail_at + 1:follow_at]).strip():
        raise fail("详解 is empty")
    follow = [(n, HEADING_ID.match(h).groups()) for n, level, h in headings if level == 3 and n > follow_at]
    if any(level == 4 for n, level, _ in headings if n > follow_at):
        raise fail("追问 takes one '### question {#id}' per follow-up, without sub-headings")
    ends = [n for n, _ in follow[1:]] + [len(lines)]
    follow_ups = []
    for (start, (question, anchor)), end in zip(follow, ends):
        answer = "\n".join(lines[start + 1:end]).strip()
        if not answer:
            raise fail(f"追问 '{question}' has no answer")
        follow_ups.append(FollowUp(anchor, question, answer))
    if len(follow_ups) < MIN_FOLLOW_UPS:
        raise fail(f"追问 has {len(follow_ups)} follow-up question(s); write at least {MIN_FOLLOW_UPS}, "
                   "each as '### question {#id}' with its answer")
    return BankPage(page_id_, src_uri, src_uri.split("/")[1], nav_title(src_uri, titles[0][1][0]),
                    meta["difficulty"], meta["frequency"], tuple(t.strip() for t in meta["tags"]),
                    tuple(meta["terms"]), meta["checked"], sources, quick, tuple(follow_ups))


def load_bank(files: Files, pages: dict[str, ArticlePage]) -> dict[str, BankPage]:
    """Every bank question by page id; each must be in a group folder with an overview."""
    bank: dict[str, BankPage] = {}
    overviews = {f.src_uri for f in files.documentation_pages()}
    for file in files.documentation_pages():
        uri = file.src_uri
        if uri.startswith(BANK_DIR) and not uri.endswith(".md"):
            raise PluginError(f"{uri}: bank pages are Markdown files")
        if uri.startswith(BANK_DIR) and uri.count("/") > 2:
            raise PluginError(f"{uri}: bank pages live in docs/bank/<group>/<id>.md, one folder level")
        if not is_bank_question(uri):
            continue
        group_index = posixpath.join(posixpath.dirname(uri), "index.md")
        if group_index not in overviews:
            raise PluginError(f"{uri}: its group has no overview {group_index}")
        page = bank_page(uri, file.content_string)
        bank[page.id] = page
    return bank


@dataclass(frozen=True)
class Site:
    pages: dict[str, ArticlePage]
    glossary: Glossary
    bank: dict[str, BankPage]  # the 延伸题库's questions by page id, in file order

    def related(self, page_id: str) -> tuple[str, ...]:
        """The pages related to page_id: those it names and those that name it (a relation
        declared once, on either page, shows on both)."""
        declared = list(self.pages[page_id].related)
        declared += [p.id for p in self.pages.values() if page_id in p.related and p.id not in declared]
        return tuple(p for p in declared if p != page_id)


def load_site(files: Files, config) -> Site:
    """Article pages, the question bank and the glossary, validated against each other. A bank
    page's `terms` join the named terms' `questions`, so the glossary lists the page too."""
    pages = article_pages(files)
    bank = load_bank(files, pages)
    path = Path(config["docs_dir"]) / GLOSSARY_FILE
    uses = {}
    for page in bank.values():
        for term_id in page.terms:
            uses.setdefault(term_id, []).append(page.id)
    glossary = load_glossary(path, set(pages), f"docs/{GLOSSARY_FILE}", uses)
    known = {t.id for t in glossary.terms}
    for page in bank.values():
        for term_id in page.terms:
            if term_id not in known:
                raise PluginError(f"{page.src_uri}: 'terms' names '{term_id}', which is not a glossary term id")
    return Site(pages, glossary, bank)
