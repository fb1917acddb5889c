"""Search finds terms: each query typed into Material's search box in headless Chromium
must list the page a reader wants among the first three results.

The expected target is a page URL ("qa/training/") or a glossary entry ("glossary/#cnn"):
a page matches when it is one of the first three result groups; a glossary entry matches
when the glossary is among them and the entry is one of its visible sections.
"""

from __future__ import annotations

import pytest

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
    box = page.locator(SEARCH_INPUT)
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
    return page.evaluate(
        """([n, base]) => [...document.querySelectorAll('li.md-search-result__item')]
            .slice(0, n)
            .map(li => [...li.querySelectorAll(':scope > a.md-search-result__link')]
                .map(a => a.href.replace(base, '').replace(/\\?h=[^#]*/, '')))""",
        [groups, base_url],
    )


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


def test_nonsense_query_finds_nothing(search_page, base_url):
    """The harness itself can fail: a query with no match yields no result group."""
    assert top_results(search_page, base_url, "qwxzv") == []
