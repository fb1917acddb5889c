"""Search finds terms: each query typed into Material's search box in headless Chromium
must list the page a reader wants among the first three results.

The expected target is a page URL ("qa/training/") or a glossary entry ("glossary/#cnn"):
a page matches when it is one of the first three result groups; a glossary entry matches
when the glossary is among them and the entry is one of its visible sections.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, copy_project, mkdocs_build

# (query, expected, why it is here)
QUERIES = [
    # Required by the issue.
    ("多模态大模型", "qa/definition/", "required"),
    ("自注意力", "qa/principles/", "required"),
    ("预训练", "qa/principles/", "required"),
    ("图像识别", "qa/vision/", "required"),
    ("语音识别", "qa/speech/", "required"),
    ("卷积神经网络", "qa/training/", "required"),
    ("GPT-2", "code/gpt2/", "required"),
    ("MNIST", "code/mnist/", "required"),
    ("Hugging Face", "code/gpt2/", "required"),
    ("文本生成", "qa/nlp/", "required"),
    ("疾病诊断", "qa/medical/", "required"),
    ("癌症筛查", "qa/medical/", "required"),
    # The site's own multimodal example: its model, its terms.
    ("Chinese-CLIP", "code/chinese-clip/", "multimodal example"),
    ("CLIP", "code/chinese-clip/", "multimodal example"),
    ("零样本", "code/chinese-clip/", "multimodal example"),
    ("以文搜图", "code/chinese-clip/", "multimodal example"),
    ("余弦相似度", "code/chinese-clip/", "multimodal example"),
    # Full English words a stemmer would shorten in the index but not in a prefix query.
    ("generation", "glossary/#text-generation", "stemmer"),
    ("recognition", "glossary/", "stemmer"),
    ("Transformers", "code/gpt2/", "stemmer"),
    ("accuracy", "code/mnist/", "stemmer"),
    ("tokenizer", "code/gpt2/", "stemmer"),
    ("Sequential", "code/mnist/", "stemmer"),
    ("classification", "glossary/#text-classification", "stemmer"),
    # Latin terms written inside full-width brackets in the text.
    ("CNN", "code/mnist/", "brackets"),
    ("PyTorch", "code/mnist/", "brackets"),
    ("TensorFlow", "code/mnist/", "brackets"),
    # Whole terms that one-character prefixes of the query used to outrank.
    ("微调", "qa/principles/", "one-char prefix"),
    ("图像生成", "qa/vision/", "one-char prefix"),
    ("语音合成", "qa/speech/", "one-char prefix"),
    ("超分辨率", "qa/vision/", "one-char prefix"),
    ("召回率", "qa/training/", "one-char prefix"),
    ("准确率", "qa/training/", "one-char prefix"),
    ("归一化", "qa/training/", "one-char prefix"),
    ("梯度下降", "qa/training/", "one-char prefix"),
    ("药物研发", "qa/medical/", "one-char prefix"),
    ("机器翻译", "qa/nlp/", "one-char prefix"),
    ("数据隐私", "summary/", "one-char prefix"),
    ("模型评估", "qa/training/", "one-char prefix"),
    ("人脸识别", "qa/vision/", "one-char prefix"),
    ("模型解释性", "summary/", "one-char prefix"),
    # Substrings and parts of compound terms.
    ("神经网络", "qa/training/", "substring"),
    ("随机梯度下降", "qa/training/", "substring"),
    ("数据融合", "qa/principles/", "substring"),
    ("语音情感识别", "qa/speech/", "substring"),
    ("医学影像", "qa/medical/", "substring"),
    ("图像超分辨率", "qa/vision/", "substring"),
    ("手写数字", "code/mnist/", "substring"),
    ("注意力", "glossary/#attention", "substring"),
    ("自然语言", "qa/nlp/", "substring"),
    # Abbreviations and English names that the article never writes.
    ("NLP", "qa/nlp/", "alias"),
    ("ASR", "qa/speech/", "alias"),
    ("TTS", "qa/speech/", "alias"),
    ("SGD", "qa/training/", "alias"),
    ("RNN", "qa/training/", "alias"),
    ("self-attention", "glossary/#self-attention", "alias"),
    ("fine-tuning", "qa/principles/", "alias"),
    ("super-resolution", "glossary/#super-resolution", "alias"),
    ("machine translation", "qa/nlp/", "alias"),
    ("DNN", "qa/principles/", "alias"),
    ("HCI", "qa/nlp/", "alias"),
    ("lesion detection", "qa/medical/", "alias"),
    # Mixed case.
    ("gpt-2", "code/gpt2/", "case"),
    ("mnist", "code/mnist/", "case"),
    ("Pytorch", "code/mnist/", "case"),
    ("hugging face", "code/gpt2/", "case"),
    ("HUGGING FACE", "code/gpt2/", "case"),
    ("openai", "", "case"),
    # Code identifiers from the examples.
    ("GPT2LMHeadModel", "code/gpt2/", "code"),
    ("from_pretrained", "code/gpt2/", "code"),
    ("max_length", "code/gpt2/", "code"),
    ("load_data", "code/mnist/", "code"),
    ("model.fit", "code/mnist/", "code"),
    ("sparse_categorical_crossentropy", "code/mnist/", "code"),
    ("Conv2D", "code/mnist/", "code"),
    ("attention_mask", "code/gpt2/", "code"),
    ("ChineseCLIPModel", "code/chinese-clip/", "code"),
    ("tf.keras.datasets.mnist.load_data", "code/mnist/", "code"),
    # The later words of a compound glossary name, which is one index token.
    ("情感识别", "glossary/#ser", "compound part"),
    ("影像分析", "qa/medical/", "compound part"),
    ("图像分析", "glossary/#medical-image-analysis", "compound part"),
    ("数字识别", "glossary/#handwritten-digit-recognition", "compound part"),
    ("指数函数", "glossary/#softmax", "compound part"),
    ("线性单元", "glossary/#relu", "compound part"),
    ("感知机", "glossary/#mlp", "compound part"),
    ("连接层", "glossary/#fully-connected-layer", "compound part"),
    ("轮数", "glossary/#epoch", "compound part"),
    ("隐私", "summary/", "compound part"),
    ("解释性", "summary/", "compound part"),
    ("筛查", "qa/medical/", "compound part"),
    ("研发", "qa/medical/", "compound part"),
    ("分辨率", "qa/vision/", "compound part"),
    ("学习框架", "glossary/#dl-framework", "compound part"),
    # A model name with a hyphenated version, typed as the site writes it (and its family alone):
    # its glossary entry and the paragraph that names it. "#introduction" is on the home page.
    ("GPT-4", "glossary/#gpt4", "hyphenated name"),
    ("GPT-4", "#introduction", "hyphenated name"),
    ("gpt-4", "#introduction", "hyphenated name"),
    ("GPT", "glossary/#gpt4", "hyphenated name"),
    ("GPT", "#introduction", "hyphenated name"),
    ("GPT4", "glossary/#gpt4", "hyphenated name"),
    ("OpenAI GPT-4", "#introduction", "hyphenated name"),
    ("GPT-4 多模态", "glossary/#gpt4", "hyphenated name"),
    ("UTF-8", "code/gpt2/", "hyphenated name"),
    ("utf8", "code/gpt2/", "hyphenated name"),
    ("top-p", "glossary/#top-p", "hyphenated name"),
    ("byte-level BPE", "glossary/#bpe", "hyphenated name"),
    ("text-to-speech", "glossary/#tts", "hyphenated name"),
    # Words that occur only in a glossary definition (the definitions are not indexed whole).
    ("链式法则", "glossary/#backpropagation", "definition"),
    ("ChatGPT", "glossary/#openai", "definition"),
    ("JAX", "glossary/#keras", "definition"),
    ("LeCun", "glossary/#mnist", "definition"),
    ("Kingma", "glossary/#adam", "definition"),
    ("Reddit", "glossary/#webtext", "definition"),
    ("ESRGAN", "glossary/#super-resolution", "definition"),
    ("Holtzman", "glossary/#top-p", "definition"),
    ("垃圾邮件", "glossary/#text-classification", "definition"),
    ("舆情", "glossary/#sentiment-analysis", "definition"),
    ("临床试验", "glossary/#drug-discovery", "definition"),
    ("邮政编码", "glossary/#handwritten-digit-recognition", "definition"),
    ("脱敏", "glossary/#data-privacy", "definition"),
]

# A query that is exactly a glossary name: the first result is its entry (query, term id).
EXACT_NAMES = [
    ("Transformer", "transformer"),  # not the Transformers library
    ("CNN", "cnn"),  # not the notebook aside titled "... 不是 CNN"
    ("Sampling", "sampling"),  # not Top-p sampling
    ("Language model", "language-model"),  # not (Multimodal) large language model
    ("Deep learning", "deep-learning"),  # not Deep learning framework
    ("Speech synthesis", "tts"),  # not Speech recognition
    ("GPT-4", "gpt4"),  # not GPT-2
    ("全连接网络", "mlp"),  # an alias
    ("预处理", "data-preprocessing"),
    ("核采样", "top-p"),
    ("准确率", "accuracy"),
    ("词元", "token"),
]

SEARCH_INPUT = "input.md-search__input"


@pytest.fixture(scope="module")
def search_page(browser, base_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url)
    yield page
    page.close()


def top_results(page, base_url: str, query: str, groups: int = 3) -> list[list[str]]:
    """Type a query as a reader does; return, per result group, the page URL then its
    visible section URLs (site-relative, without the ?h= highlight parameter)."""
    return [[url for url, _ in group] for group in titled_results(page, base_url, query, groups)]


def titled_results(page, base_url: str, query: str, groups: int = 3) -> list[list[tuple[str, str]]]:
    """As top_results, with each result's title as shown: (url, title)."""
    box = page.locator(SEARCH_INPUT)
    opener = page.locator("label.md-header__button[for=__search]")
    if opener.is_visible() and not page.locator("#__search").is_checked():  # on a phone
        opener.click()
    box.click()
    box.fill("")
    # Material reacts to keyup: typing ends with a key press, as an input method's
    # commit does for Chinese.
    box.press_sequentially(query)
    box.press("End")
    page.wait_for_function(
        """() => {
            const meta = document.querySelector('.md-search-result__meta');
            return meta && /\\d|没有/.test(meta.textContent);
        }"""
    )
    page.wait_for_timeout(150)  # let the result list settle after the last keystroke
    return [[tuple(item) for item in group] for group in page.evaluate(
        """([n, base]) => [...document.querySelectorAll('li.md-search-result__item')]
            .slice(0, n)
            .map(li => [...li.querySelectorAll(':scope > a.md-search-result__link')]
                .map(a => [a.href.replace(base, '').replace(/\\?h=[^#]*/, ''),
                           a.querySelector('h1, h2').textContent]))""",
        [groups, base_url],
    )]


def found(expected: str, groups: list[list[str]]) -> bool:
    if "#" not in expected:
        return any(group and group[0] == expected for group in groups)
    return any(expected in group for group in groups)


@pytest.mark.parametrize("query,expected,mode", QUERIES, ids=[f"{n:02d}-{mode}" for n, (_, _, mode) in enumerate(QUERIES, 1)])
def test_query_finds_page_in_top_three(search_page, base_url, query, expected, mode):
    groups = top_results(search_page, base_url, query)
    assert found(expected, groups), f"{query!r} ({mode}): {expected} not in top 3: {groups}"


def test_suite_covers_the_failure_modes():
    modes = [mode for _, _, mode in QUERIES]
    assert modes.count("required") == 12
    assert len(QUERIES) - 12 >= 30
    for mode in ("stemmer", "brackets", "one-char prefix", "substring", "alias", "case", "code"):
        assert modes.count(mode) >= 3, mode
    for mode in ("compound part", "hyphenated name", "definition"):
        assert modes.count(mode) >= 10, mode
    assert len(EXACT_NAMES) >= 10


def test_nonsense_query_finds_nothing(search_page, base_url):
    """The harness itself can fail: a query with no match yields no result group."""
    assert top_results(search_page, base_url, "qwxzv") == []


# ---- ranking: a glossary name finds its own entry first --------------------------------------------


@pytest.mark.parametrize("query,term", EXACT_NAMES, ids=[q for q, _ in EXACT_NAMES])
def test_exact_name_ranks_its_entry_first(search_page, base_url, query, term):
    groups = top_results(search_page, base_url, query)
    assert groups and groups[0][:2] == ["glossary/", f"glossary/#{term}"], (
        f"{query!r}: glossary/#{term} is not the first result: {groups}")


# Material's worker, driven from a page the way Material drives it: set up with the index, then
# one query message per name. Returns, per name, the first result group: [location, title, score].
WORKER_FIRST_GROUPS = """async ([names]) => {
    const config = JSON.parse(document.getElementById('__config').textContent);
    const base = new URL(config.base, location.href);
    const worker = new Worker(new URL(config.search, base));
    const ask = message => new Promise(resolve => {
        worker.onmessage = event => resolve(event.data);
        worker.postMessage(message);
    });
    const index = await (await fetch(new URL('search/search_index.json', base))).json();
    await ask({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}});
    const first = {};
    for (const name of names) {
        const {data} = await ask({type: 2, data: name});
        first[name] = (data.items[0] || []).map(doc => [doc.location, doc.title, doc.score]);
    }
    worker.terminate();
    return first;
}"""


def _page_url(site, page_id: str) -> str:
    if page_id == "home":
        return ""
    for url in (f"qa/{page_id}/", f"code/{page_id}/", f"{page_id}/"):
        if (site / url / "index.html").is_file():
            return url
    raise AssertionError(f"no page for id {page_id!r}")


def _plain(text: str) -> str:
    """A title or name as compared: no markup, case, spaces or hyphens ("Chinese CLIP" is "Chinese-CLIP")."""
    return re.sub(r"[\s\-]+", "", re.sub("<[^>]+>", "", text)).casefold()


def test_every_glossary_name_ranks_its_entry_or_page_first(search_page, site):
    """Every name of every term (Chinese, English, abbreviations, aliases), typed alone: the first
    result is the term's glossary entry, or a page that uses the term and names it (by any of its
    names) in its title or in the title of a section shown with it: the page that explains it."""
    terms = yaml.safe_load((ROOT / "docs" / "glossary.yml").read_text(encoding="utf-8"))["terms"]
    names = {name: term for term in terms
             for name in dict.fromkeys([term["zh"], term["en"], *term["abbr"], *term["aliases"]])}
    first = search_page.evaluate(WORKER_FIRST_GROUPS, [list(names)])
    misses = []
    for name, term in names.items():
        group = first[name]
        pages = {_page_url(site, page_id) for page_id in term["questions"]}
        titles = " ".join(_plain(title) for _, title, _ in group)  # the page's and its sections'
        entry_first = bool(group) and group[0][0] == f"glossary/#{term['id']}"
        page_first = bool(group) and group[0][0].split("#")[0] in pages and any(
            _plain(other) in titles for other in (term["zh"], term["en"], *term["abbr"], *term["aliases"]))
        if not (entry_first or page_first):
            misses.append(f"{name!r} ({term['id']}): {[location for location, _, _ in group[:3]]}")
    assert not misses, f"{len(misses)} of {len(names)} names:\n" + "\n".join(misses)


# ---- snippets ---------------------------------------------------------------------------------------

# Queries whose snippets are long Chinese paragraphs with full-width punctuation.
SNIPPET_QUERIES = ["多模态大模型", "模型", "数据", "训练", "应用", "文本", "答案", "GPT-2"]
# Characters that must not start a line (Chinese line-breaking rules).
LINE_INITIAL = "，。、；：？！）》」』”’"
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
# Per rendered result: the characters that start a new line (from the layout), the text a reader
# copies ("copy link text"), and the titles it shows.
RENDERED = """() => [...document.querySelectorAll('li.md-search-result__item')].map(item => {
    const range = document.createRange();
    const starts = [];
    for (const article of item.querySelectorAll('.md-search-result__article')) {
        const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
        let top = null;
        for (let node = walker.nextNode(); node; node = walker.nextNode())
            for (let i = 0; i < node.data.length; i++) {
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const rect = range.getClientRects()[0];
                if (!rect) continue;
                if (top !== null && rect.top > top + 2)
                    starts.push(node.data.slice(i, i + 12));
                top = rect.top;
            }
    }
    // Results are links and not selectable (user-select: none): a reader copies the link text.
    const copied = [...item.querySelectorAll('a')].map(a => a.innerText).join('\\n');
    const titles = [...item.querySelectorAll(':scope > a h1, :scope > a h2')].map(h => h.textContent);
    return {starts, copied, titles};
})"""


@pytest.fixture(scope="module")
def phone_results(browser, base_url):
    """What the snippet queries render on a phone: {query: [per result group: RENDERED]}."""
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(base_url)
    rendered = {}
    for query in SNIPPET_QUERIES:
        titled_results(page, base_url, query)
        rendered[query] = page.evaluate(RENDERED)
    page.close()
    return rendered


def test_no_snippet_line_starts_with_closing_punctuation(phone_results):
    lines = sum(len(group["starts"]) for groups in phone_results.values() for group in groups)
    assert lines > 100, "the queries should render many wrapped lines"
    bad = [f"{query!r}: {start!r}" for query, groups in phone_results.items()
           for group in groups for start in group["starts"] if start[0] in LINE_INITIAL]
    assert not bad, "lines start with closing punctuation:\n" + "\n".join(bad)


def test_copied_snippets_have_no_invisible_characters(phone_results):
    bad = [f"{query!r}: {group['copied'][:60]!r}" for query, groups in phone_results.items()
           for group in groups if ZERO_WIDTH.search(group["copied"])]
    assert not bad, "copied result text contains zero-width characters:\n" + "\n".join(bad)


def test_no_result_shows_a_title_twice(phone_results):
    bad = [f"{query!r}: {group['titles']}" for query, groups in phone_results.items()
           for group in groups if len(set(group["titles"])) < len(group["titles"])]
    assert not bad, "a result repeats a title:\n" + "\n".join(bad)


# ---- the worker patch stops the build when Material's worker changes --------------------------------


def _material_worker() -> Path:
    import material

    workers = sorted((Path(material.__file__).parent / "templates/assets/javascripts/workers").glob("search.*.min.js"))
    assert len(workers) == 1, workers
    return workers[0]


@pytest.mark.parametrize("old,new,message", [
    # Material fixed its segmentation loop (or rewrote it): the off-by-one fix must be revisited.
    ("o<t.length;o++)t.slice(s,o)in e", "o<=t.length;o++)t.slice(s,o)in e",
     r"no longer contains Material's segmentation loop"),
    # Material changed the call hooks/search_worker.js relies on.
    ("n=this.index.search(e)", "n=this.index.query(e)", r"has changed \(the search runs lunr's Index#search"),
])
def test_build_stops_when_materials_worker_changes(tmp_path, old, new, message):
    """A changed worker, planted where the theme's own would be (custom_dir overrides theme files)."""
    worker = _material_worker()
    project = copy_project(tmp_path / "project")
    planted = project / "hooks/overrides/assets/javascripts/workers" / worker.name
    planted.parent.mkdir(parents=True)
    code = worker.read_text(encoding="utf-8")
    assert code.count(old) == 1, f"fixture out of date: {old!r}"
    planted.write_text(code.replace(old, new), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0, "the build passed with a changed worker"
    assert re.search(message, result.log), result.log[-2000:]


# ---- the index is downloaded when search is used -----------------------------------------------


def test_the_index_is_downloaded_when_search_opens_not_with_every_page(browser, base_url):
    """hooks/search.py: the ~24 KB index waits for the reader to open search."""
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(base_url + "qa/training/", wait_until="networkidle")
        page.wait_for_timeout(500)
        assert not [url for url in requests if url.endswith("search_index.json")], "fetched with the page"
        page.click("label.md-header__button[for='__search']")  # the magnifier icon on a phone
        box = page.locator(SEARCH_INPUT)
        box.press_sequentially("梯度下降")
        box.press("End")
        page.wait_for_function("() => /\\d/.test(document.querySelector('.md-search-result__meta').textContent)")
        assert [url for url in requests if url.endswith("search_index.json")] == [base_url + "search/search_index.json"]
        assert page.locator("li.md-search-result__item").count() >= 1
    finally:
        page.close()


def test_a_page_opened_from_a_result_highlights_the_words(browser, base_url):
    """A result links to its page with ?h=<words>: the page loads the index and marks them."""
    page = browser.new_page()
    try:
        page.goto(base_url + "qa/training/?h=梯度下降", wait_until="networkidle")
        page.wait_for_function("() => document.querySelectorAll('article mark').length > 0")
        assert "梯度下降" in page.evaluate("[...document.querySelectorAll('article mark')].map(m => m.textContent).join(' ')")
    finally:
        page.close()


def test_build_stops_when_materials_script_changes(tmp_path):
    """The lazy index relies on Material's minified names: a changed script stops the build."""
    import material

    bundles = sorted((Path(material.__file__).parent / "templates/assets/javascripts").glob("bundle.*.min.js"))
    assert len(bundles) == 1, bundles
    project = copy_project(tmp_path / "project")
    planted = project / "hooks/overrides/assets/javascripts" / bundles[0].name
    planted.parent.mkdir(parents=True)
    code = bundles[0].read_text(encoding="utf-8")
    old = 'zi=document.forms.namedItem("search")?ks():tt'
    assert code.count(old) == 1, "fixture out of date"
    planted.write_text(code.replace(old, old.replace("ks()", "loadIndex()")), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0, "the build passed with a changed script"
    assert "index$ is fetched by ks() at start-up" in result.log, result.log[-2000:]
