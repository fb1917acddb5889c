"""MkDocs hook: Material's search, made to find the terms of a Chinese glossary site.

Material's search plugin writes search/search_index.json: one document per section (title, text),
Chinese cut into words by jieba (hooks/glossary.py puts every glossary name into jieba's
dictionary) and the words separated by zero-width spaces. Its worker (lunr) splits that text on
`separator` (mkdocs.yml) into lowercase tokens and matches each query word as a prefix. After the
build, this hook rewrites the index and patches the worker:

The index (on_post_build)
- Hidden fields, declared with their boosts in mkdocs.yml, that Material indexes but never shows:
  `title_keys` and `text_keys` hold extra tokens for what is in the title and the text:
  * the later words of a compound glossary name. "多模态数据融合" is one token, so a prefix query
    "数据融合*" or "融合*" missed it; its suffixes at word starts ("数据融合", "融合") are added, and
    the query, a prefix, then matches them. The whole name stays one token and ranks first.
  * a hyphenated Latin run joined ("GPT-4" -> "gpt4"): the separator splits it into "gpt" + "4",
    and "4" alone matches every "4. …" question title. The worker (below) requires the joined form.
  * in a glossary entry, its own names as single tokens ("Speech synthesis" -> "speechsynthesis"),
    so the entry named exactly what the reader typed outranks entries and pages that merely
    contain one of its words;
  * identifiers in code, whole: "model.fit" -> "#model#fit", "skip_special_tokens" ->
    "#skip_special_tokens" (the worker adds the same key for an identifier typed as in code);
  * the NFKC forms of words written with full-width letters (the worker normalises queries too).
  `name_keys` holds a glossary entry's whole names, marked ("$gpt4", "$transformer"); the worker
  adds the key of the whole query, so the entry named "Transformer" outranks pages titled
  "Transformer 基础" (see NAME_MARK).
- Each glossary entry's definition joins its section's text (the index is fetched only when search
  opens): a word of a definition finds the term, and the result shows the definition.
- `config.t2s` and `config.t2s_words`: the tables with which the worker converts a query in
  traditional characters (OpenCC's t2s for the characters the index has, and regional words).
- A page whose first heading repeats the page title (the notebooks: mkdocs-jupyter nests the
  title in a cell, so Material's parser makes it a section of its own) is one document, so its
  result does not print the title twice; so is the notebooks' section headed only by the 本站补充 badge.
- Zero-width spaces that separate nothing (next to punctuation, a space or a tag) are dropped, and
  the JSON is written as UTF-8 instead of \\u escapes: less to download on every page.

The worker (search.*.min.js)
- An off-by-one in Material's Chinese query segmentation: its inner loop
  (`for (j = i + 1; j < query.length; j++)`) never tries a word that ends at the query's last
  character, so "数据隐私" was searched as "数据*" alone. Letting the loop reach the end (`<=`) is
  the fix.
- hooks/search_worker.js runs before Material's code: it adds an exact clause for every prefix
  clause (so "Transformer" ranks the term above "Transformers"), requires the joined form of a
  hyphenated word and prefers the joined form of a query of several Latin words, and strips the
  zero-width spaces from result titles and snippets (a line could start with "，" and copying a
  snippet copied them). It normalises the query (NFKC, traditional to simplified), drops the
  words of a question (什么, 怎么, 的 …), ranks an identifier's code first, marks the query's words
  in a snippet found by a hidden key, and links results with whole terms (?h=gpt-2).

The main script (bundle.*.min.js)
- The landing highlight keeps each term of ?h= whole and skips lone letters and digits: it split
  "GPT-2" on the separator and marked every "2" on the page.
- The search index is fetched when the reader first opens search (or lands from a search result,
  whose ?h= highlights the words), not on every page load: Material fetched it at once, about
  24 KB gzipped, a quarter of what a page transfers, for the few visits that search. The first
  search then waits for the download (about 0.1 s on a good connection).
Material for MkDocs is in maintenance mode, so the fixes live here; if Material's worker or main
script changes, the build stops and says so.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import jieba
import opencc
from mkdocs.exceptions import PluginError

import content

WORKERS = "assets/javascripts/workers"
INDEX = "search/search_index.json"
WORKER_ADDITIONS = Path(__file__).with_name("search_worker.js")
BUGGY = "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e&&(n[s]=o-s)"
FIXED = "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e&&(n[s]=o-s)"
# What hooks/search_worker.js relies on in Material's worker; each must occur exactly once.
WORKER_CONTRACT = {
    "the query message (type 2) carries the query; the result message is type 3":
        "case 2:let e=t.data;try{return{type:3,data:de.search(e)}",
    "the search runs lunr's Index#search on the transformed query": "n=this.index.search(e)",
    "lunr is exposed as self.lunr before any message": "self.lunr=Y.default;",
    "Material handles messages with one listener": 'addEventListener("message",',
}
ADDITIONS_MARK = "/* hooks/search_worker.js */"
BUNDLES = "assets/javascripts"
# Material's index$ (minified): fetch the index now. The lazy one waits for the first of: the
# search toggle turning on (the reader opens or focuses search; Je = the toggle's state, Re = first
# truthy value) or a ?h= in the address (the highlight needs the index's separator); b = switchMap
# to the same fetch, Z(1) = shareReplay, so the search box and the highlight share one download.
EAGER_INDEX = 'zi=document.forms.namedItem("search")?ks():tt'
LAZY_INDEX = ('zi=document.forms.namedItem("search")?L(Je("search"),$(new URLSearchParams(location.search)'
              '.has("h"))).pipe(Re(o=>o),b(()=>ks()),Z(1)):tt')
# The minified names LAZY_INDEX uses, as Material's script defines them.
BUNDLE_CONTRACT = {
    "index$ is fetched by ks() at start-up": EAGER_INDEX,
    "Je(name) is a toggle's state": 'function Je(e){let t=yr[e];return h(t,"change").pipe(m(()=>t.checked),Q(t.checked))}',
    "the toggles are known before index$": 'yr={drawer:j("[data-md-toggle=drawer]"),search:j("[data-md-toggle=search]")}',
    "Re is first(predicate)": "function Re(e,t){var r=arguments.length>=2;return function(o){return o.pipe(e?g(",
    "L is merge": "function L(){for(var e=[],t=0;t<arguments.length;t++)e[t]=arguments[t];var r=Fe(",
    "$ is of": "function $(){for(var e=[],t=0;t<arguments.length;t++)e[t]=arguments[t];var r=Fe(",
    "b is switchMap": "function b(e,t){return E(function(r,o){var n=null,i=0,s=!1,",
    "Z is shareReplay": "function Z(e,t,r){var o,n,i,s,a=!1;return e&&typeof e==\"object\"?(o=e.bufferSize,",
}

# Material's landing highlight (?h=): it replaced "-" by a space and split the words on the whole
# separator, so "GPT-2" marked every "2" on the page. The patched one keeps each word of ?h= whole
# ("gpt-2", "model.fit": the worker sends the hyphenated and dotted forms) and skips lone letters
# and digits.
EAGER_HIGHLIGHT = ('n=n.replace(/[\\s*+\\-:~^]+/g," ").replace(/&/g,"&amp;").trim();let i=new RegExp(`(^|${e.separator}|)'
                   '(${n.replace(/[|\\\\{}()[\\]^$+*?.-]/g,"\\\\$&").replace(r,"|")})`,"img")')
WHOLE_HIGHLIGHT = ('n=n.replace(/[\\s*+:~^]+/g," ").replace(/&/g,"&amp;").trim();let i=new RegExp(`(^|${e.separator}|)'
                   '(${n.split(" ").filter(w=>!/^[a-z0-9]$/i.test(w)).map(w=>w.replace(/[|\\\\{}()[\\]^$+*?.-]/g,"\\\\$&"))'
                   '.join("|")||"\\uFFFD"})`,"img")')
BUNDLE_CONTRACT["the landing highlight splits ?h= on the separator"] = EAGER_HIGHLIGHT

GLOSSARY_URL = f"{content.GLOSSARY_DIR}/"  # the index page, where every entry has its section
TITLE_KEYS = "title_keys"
TEXT_KEYS = "text_keys"
NAME_KEYS = "name_keys"
ZWSP = "\u200b"
# A formula is left out of the index (hooks/formulas.py): "约 $3\Psi$，每层" is indexed as "约 ，每层",
# and a snippet line could then start with the "，". The space before closing punctuation goes.
SPACE_BEFORE_CLOSING = re.compile(r"[ \t\n\u200b]+([，。、；：？！）》」』”’])")
ADDITION_LABEL = "本站补充"  # the badge that marks the site's additions
TAG = re.compile(r"<[^>]*>")
HAN_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
HYPHENATED = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+(?![A-Za-z0-9_])")
# Material's tags field counts 1,000,000 (its titles 1,000): a query word that starts a topic tag
# of the 延伸题库 ("应用" of "应用与前沿", "隐私" of "隐私与安全") put every page with that tag above
# the page that has the word in its title ("语音识别有哪些应用" listed 应用与前沿 pages first).
TAGS_BOOST = 10
# Traditional Chinese queries: the worker (hooks/search_worker.js) converts them to the simplified
# forms the index has, first these regional words (Taiwan and Hong Kong usage, typed in traditional
# characters), then character by character with `config.t2s`: for every character of the index,
# the traditional characters that OpenCC's t2s converts to it, as one string of pairs (about
# 1.7 KB gzipped; the traditional forms of every index word as hidden keys would add 9 KB).
TRADITIONAL = "t2s"
REGIONAL = "t2s_words"
REGIONAL_WORDS = {
    "網路": "网络", "資料": "数据", "程式": "程序", "軟體": "软件", "硬體": "硬件", "函式": "函数",
    "演算法": "算法", "資訊": "信息", "伺服器": "服务器", "記憶體": "内存", "最佳化": "优化",
    "預設": "默认", "物件": "对象", "介面": "接口", "模組": "模块", "叢集": "集群", "位元": "比特",
    "解析度": "分辨率", "人工智慧": "人工智能", "數位": "数字", "類神經網路": "神经网络", "遞迴": "递归",
    "訊號": "信号", "檔案": "文件", "批次": "批量", "正規化": "归一化", "辨識": "识别", "影像辨識": "图像识别",
    "過度擬合": "过拟合", "品質": "质量", "迴歸": "回归", "監督式": "监督", "非監督式": "无监督",
    "遞歸神經網路": "循环神经网络", "大型語言模型": "大语言模型", "資料庫": "数据库", "程式碼": "代码",
    "原始碼": "源代码",
}
# Identifiers in code: "model.fit", "tf.keras.layers.Dense" (every chain of two or more of its
# parts), "skip_special_tokens". The separator splits a dotted name, so each is kept whole as a
# hidden title key, "#" + its parts joined by "#", which no typed word can be a prefix of; the worker
# adds the same key for an identifier typed in the query.
CODE = re.compile(r"<code>(.*?)</code>", re.S)
DOTTED = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
UNDERSCORED = re.compile(r"(?<![\w.])[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+(?![\w])")
IDENTIFIER_MARK = "#"
# A glossary entry's whole names, each as one key "$" + the name joined ("$transformer", "$gpt4",
# "$多模态大模型"), in a field of their own (name_keys, mkdocs.yml). A single-word name's joined form
# is the word itself, which every page that mentions it has too (a title "Transformer 基础", a tag):
# the worker adds the key of the whole query, so the entry named exactly what the reader typed ranks
# first. Its own field, because lunr divides a field's score by the length of the query's vector for
# that field: a heavy clause in a shared field outweighs the other words, not other documents.
# "$" is no separator, and no word a reader types starts with it.
NAME_MARK = "$"


def on_post_build(config, **kwargs):
    _patch_worker(config)
    _load_index_on_demand(config)
    path = Path(config["site_dir"], INDEX)
    data = json.loads(path.read_text(encoding="utf-8"))
    separator = re.compile(data["config"]["separator"])
    glossary = content.load_glossary(Path(config["docs_dir"]) / content.GLOSSARY_FILE, None,
                                     f"docs/{content.GLOSSARY_FILE}")
    data["docs"] = _merge_repeated_titles(data["docs"])
    _add_definitions(data["docs"], glossary)
    _add_keys(data["docs"], glossary, separator)
    for doc in data["docs"]:
        for field in ("title", "text"):
            doc[field] = SPACE_BEFORE_CLOSING.sub(r"\1", _trim_zero_width(doc[field], separator))
    if "tags" in data["config"]["fields"]:  # a page's topic tags count as a hidden title key
        data["config"]["fields"]["tags"]["boost"] = TAGS_BOOST
    data["config"][TRADITIONAL] = _traditional_table(data["docs"])
    data["config"][REGIONAL] = REGIONAL_WORDS
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


# ---- the index -----------------------------------------------------------------------------------


def _words(text: str, separator: re.Pattern) -> list[str]:
    """The tokens Material's worker makes of an indexed string: tags dropped, split, lowercased."""
    return [w.lower() for w in separator.split(TAG.sub(" ", text)) if w]


def _merge_repeated_titles(docs: list[dict]) -> list[dict]:
    """A section whose title is its page's title joins the page's own document; so does one headed
    only by the 本站补充 badge (the notebooks' own part): a label, not a topic to find."""
    pages = {doc["location"]: doc for doc in docs if "#" not in doc["location"]}
    out = []
    for doc in docs:
        page = pages.get(doc["location"].split("#", 1)[0])
        label_only = doc["title"].replace(ZWSP, "") == ADDITION_LABEL
        if page is not None and page is not doc and (doc["title"] == page["title"] or label_only):
            page["text"] = " ".join(t for t in (doc["text"], page["text"]) if t)
            continue
        out.append(doc)
    return out


def _suffixes(word: str) -> list[str]:
    """The tails of a compound term at its inner word starts, at least two characters long:
    多模态数据融合 -> 数据融合, 融合. The word starts are where jieba cuts the term once it may not
    keep it whole (parts of four characters or more are cut again: 自注意力机制 -> 自 | 注意力 | 机制),
    and where a three-character word of jieba's dictionary starts (超分辨率 -> 分辨率)."""
    starts = {i for i in _word_starts(word) if i < len(word) - 1}
    starts |= {i for i in range(1, len(word) - 2) if jieba.dt.FREQ.get(word[i:i + 3])}
    return [word[i:] for i in sorted(starts)]


def _word_starts(word: str) -> set[int]:
    """Where jieba's best cut of `word` starts a word, the cut as one word not allowed."""
    dag = jieba.dt.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route: dict = {}
    jieba.dt.calc(word, dag, route)
    starts, i = set(), 0
    while i < len(word):
        end = route[i][1] + 1
        if i:
            starts.add(i)
        if end - i >= 4:
            starts |= {i + j for j in _word_starts(word[i:end])}
        i = end
    return starts


def _joined(name: str, separator: re.Pattern) -> str:
    """A name as one token: lowercase, separators removed ("Speech synthesis" -> speechsynthesis)."""
    return separator.sub("", name).lower()


def _add_keys(docs: list[dict], glossary: content.Glossary, separator: re.Pattern) -> None:
    """Fill the hidden fields; a token already in the document's title (or, for text_keys, in its
    text or title_keys) is not repeated, except a glossary entry's own names."""
    compounds = {name: _suffixes(name) for term in glossary.terms for name in term.names
                 if HAN_WORD.match(name) and len(name) >= 3}
    entries = {f"{GLOSSARY_URL}#{term.id}": term for term in glossary.terms}
    missing = set(entries) - {doc["location"] for doc in docs}
    if missing:
        raise PluginError(f"hooks/search.py: glossary entries missing from the search index: "
                          f"{', '.join(sorted(missing))}")

    def keys(text: str) -> list[str]:
        found = [s for w in _words(text, separator) for s in compounds.get(w, ())]
        return found + [_joined(run, separator) for run in HYPHENATED.findall(TAG.sub(" ", text))]

    added: dict[str, tuple[list[str], list[str]]] = {}
    for doc in docs:
        term = entries.get(doc["location"])
        names = [_joined(name, separator) for name in term.names] if term else []
        names += [s for name in names for s in compounds.get(name, ())]
        title = [w for w in keys(doc["title"]) if w not in _words(doc["title"], separator)]
        title += _identifiers(doc["text"])
        text = keys(doc["text"]) + _normalised(_words(doc["title"], separator) + _words(doc["text"], separator))
        added[doc["location"]] = (list(dict.fromkeys(names + title)), text)
        if term:
            doc[NAME_KEYS] = " ".join(dict.fromkeys(
                NAME_MARK + _joined(unicodedata.normalize("NFKC", name), separator) for name in term.names))

    for doc in docs:
        title, text = added[doc["location"]]
        seen = set(title) | set(_words(doc["title"], separator)) | set(_words(doc["text"], separator))
        text = [w for w in dict.fromkeys(text) if w not in seen]
        if title:
            doc[TITLE_KEYS] = " ".join(title)
        if text:
            doc[TEXT_KEYS] = " ".join(text)


def _trim_zero_width(text: str, separator: re.Pattern) -> str:
    """Drop the zero-width spaces that separate nothing: next to another separator or a tag, or at
    an end. The worker then cuts the text into the same tokens."""
    out = []
    for i, char in enumerate(text):
        if char == ZWSP:
            before = out[-1] if out else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if not before or not after or before == ">" or after == "<" \
                    or separator.fullmatch(before) or separator.fullmatch(after):
                continue
        out.append(char)
    return "".join(out)


def _add_definitions(docs: list[dict], glossary: content.Glossary) -> None:
    """Each glossary entry's definition joins its section's text, cut into words as Material's
    plugin cuts Chinese (jieba, zero-width spaces): a word found only in a definition finds the term,
    and the result shows the definition."""
    entries = {f"{GLOSSARY_URL}#{term.id}": term for term in glossary.terms}
    for doc in docs:
        term = entries.get(doc["location"])
        if term is not None:
            words = ZWSP.join(w for w in jieba.cut(term.definition) if w)
            doc["text"] = f"{doc['text']} <p>{words}</p>".strip()


def _identifiers(text: str) -> list[str]:
    """The identifier keys of the code in a section's text (see DOTTED)."""
    keys = []
    for code in CODE.findall(text):
        code = TAG.sub(" ", code)
        for name in DOTTED.findall(code):
            parts = name.lower().split(".")
            keys += [IDENTIFIER_MARK + IDENTIFIER_MARK.join(parts[i:j])
                     for i in range(len(parts)) for j in range(i + 2, len(parts) + 1)]
        keys += [IDENTIFIER_MARK + name.lower() for name in UNDERSCORED.findall(code)]
    return keys


def _normalised(words: list[str]) -> list[str]:
    """Full-width letters and digits (ＣＮＮ) and other compatibility forms, as NFKC makes them:
    the worker normalises the query the same way."""
    return [n for w in words if (n := unicodedata.normalize("NFKC", w).lower()) != w]


def _traditional_table(docs: list[dict]) -> str:
    """Pairs of (traditional, simplified) characters, for the simplified characters the index has."""
    chars = {c for doc in docs for field in ("title", "text") for run in HAN_RUN.findall(doc[field]) for c in run}
    t2s = opencc.OpenCC("t2s")
    pairs = {}
    for code in [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)]:
        char = chr(code)
        simple = t2s.convert(char)
        if simple != char and simple in chars:
            pairs[char] = simple
    return "".join(t + s for t, s in sorted(pairs.items()))


# ---- the worker ----------------------------------------------------------------------------------


def _patch_worker(config):
    workers = sorted(Path(config["site_dir"], WORKERS).glob("search.*.min.js"))
    if not workers:
        raise PluginError(f"hooks/search.py: no search worker in {WORKERS}/")
    # Without its comment lines and indentation: the worker is downloaded on every page.
    additions = "\n".join(line.strip() for line in WORKER_ADDITIONS.read_text(encoding="utf-8").splitlines()
                          if line.strip() and not line.strip().startswith("//"))
    for path in workers:
        code = path.read_text(encoding="utf-8")
        if code.startswith(ADDITIONS_MARK):  # a dirty rebuild under `mkdocs serve` keeps the patched file
            continue
        if code.count(BUGGY) != 1:
            raise PluginError(
                f"hooks/search.py: {path.name} no longer contains Material's segmentation loop; "
                "check whether the bug is fixed upstream and update or remove this fix"
            )
        for what, snippet in WORKER_CONTRACT.items():
            if code.count(snippet) != 1:
                raise PluginError(
                    f"hooks/search.py: {path.name} has changed ({what}: no single {snippet!r}); "
                    "check hooks/search_worker.js against the new worker and update WORKER_CONTRACT"
                )
        path.write_text(f"{ADDITIONS_MARK}\n{additions}\n{code.replace(BUGGY, FIXED)}", encoding="utf-8")


def _load_index_on_demand(config):
    bundles = sorted(Path(config["site_dir"], BUNDLES).glob("bundle.*.min.js"))
    if len(bundles) != 1:
        raise PluginError(f"hooks/search.py: expected one Material script in {BUNDLES}/, found {len(bundles)}")
    path = bundles[0]
    code = path.read_text(encoding="utf-8")
    if code.count(LAZY_INDEX) == 1:  # a dirty rebuild under `mkdocs serve` keeps the patched file
        return
    for what, snippet in BUNDLE_CONTRACT.items():
        if code.count(snippet) != 1:
            raise PluginError(
                f"hooks/search.py: {path.name} has changed ({what}: no single {snippet[:60]!r}); "
                "check LAZY_INDEX against the new script and update BUNDLE_CONTRACT"
            )
    if code.index(BUNDLE_CONTRACT["the toggles are known before index$"]) > code.index(EAGER_INDEX):
        raise PluginError(f"hooks/search.py: {path.name} sets up index$ before the toggles; update LAZY_INDEX")
    path.write_text(code.replace(EAGER_INDEX, LAZY_INDEX).replace(EAGER_HIGHLIGHT, WHOLE_HIGHLIGHT), encoding="utf-8")
