"""Search finds each 延伸题库 question by its key term: typed into Material's search box in
Chromium, the query lists the question's page among the first three results (the term's glossary
entry may come first). Every bank page is covered, so a page added later needs a line here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from test_search import SEARCH_INPUT, found

# page id -> the query a reader types for it
KEY_TERMS = {
    "attention": "缩放点积注意力",
    "multi-head-attention": "GQA",
    "positional-encoding": "RoPE",
    "length-extrapolation": "YaRN",
    "normalization": "RMSNorm",
    "ffn-swiglu": "SwiGLU",
    "architectures": "仅解码器",
    "kv-cache": "PagedAttention",
    "flash-attention": "FlashAttention",
    "moe": "混合专家",
    "tokenization": "SentencePiece",
    "vit": "patch embedding",
    "clip": "InfoNCE",
    "clip-zero-shot": "提示集成",
    "siglip": "SigLIP",
    "mae": "MAE",
    "visual-tokens": "视觉 token",
    "whisper-encoder": "对数梅尔谱",
    "projector": "投影器",
    "q-former": "Q-Former",
    "perceiver-resampler": "Perceiver Resampler",
    "fusion": "早融合",
    "high-resolution": "AnyRes",
    "token-compression": "像素重排",
    "video-input": "帧采样",
    "training-stages": "训练阶段",
    "instruction-data": "指令数据",
    "forgetting": "灾难性遗忘",
    "rlhf": "奖励模型",
    "dpo": "DPO",
    "multimodal-preference": "RLHF-V",
    "benchmarks": "MMBench",
    "hallucination": "POPE",
    "hallucination-mitigation": "减少幻觉",
    "llm-judge": "LLM-as-a-judge",
    "lora": "QLoRA",
    "quantization": "GPTQ",
    "distillation": "知识蒸馏",
    "parallelism": "ZeRO",
    "mixed-precision": "BF16",
    "memory-arithmetic": "显存",
    "model-comparison": "模型对比",
    "flamingo-blip2": "InstructBLIP",
    "llava": "LLaVA-1.5",
    "qwen-vl": "Qwen2-VL",
    "internvl": "InternVL",
    "gpt4v-gemini": "Gemini",
    "diffusion": "DDPM",
    "latent-diffusion": "潜在扩散",
    "classifier-free-guidance": "无分类器引导",
    "unified-generation": "Chameleon",
    "multimodal-cot": "多模态思维链",
    "multimodal-rag": "检索增强生成",
    "gui-agent": "GUI 智能体",
    "privacy-interpretability": "差分隐私",
}
BANK = {p.stem: p.relative_to(ROOT / "docs").with_suffix("").as_posix() + "/"
        for p in sorted((ROOT / "docs" / "bank").glob("*/*.md")) if p.stem != "index"}


def test_every_bank_page_has_a_query():
    assert set(KEY_TERMS) == set(BANK)


# Counts the queries Material's script sends its search worker (message type 2) and the results it
# gets back (type 3), and the last query sent: the results on screen belong to the typed query
# once the last query sent is what the box holds and every query has its answer.
COUNT_WORKER_MESSAGES = """(() => {
  const Native = window.Worker;
  window.__search = { sent: 0, got: 0, last: null };
  window.Worker = function (url, options) {
    const worker = new Native(url, options), post = worker.postMessage.bind(worker);
    worker.postMessage = message => {
      if (message && message.type === 2) { window.__search.sent += 1; window.__search.last = message.data; }
      post(message);
    };
    worker.addEventListener("message", event => {
      if (event.data && event.data.type === 3) window.__search.got += 1;
    });
    return worker;
  };
})();"""


@pytest.fixture(scope="module")
def search_page(browser, base_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(COUNT_WORKER_MESSAGES)
    page.goto(base_url)
    yield page
    page.close()


def top_results(page, base_url: str, query: str, groups: int = 3) -> list[list[str]]:
    """Type the query; once the worker has answered it (not after a time), the result groups'
    URLs: the page, then its visible sections."""
    box = page.locator(SEARCH_INPUT)
    box.click()
    box.fill("")
    box.press_sequentially(query)
    box.press("End")
    page.wait_for_function("""() => {
        const s = window.__search, box = document.querySelector('input.md-search__input');
        return s.sent > 0 && s.got === s.sent && s.last === box.value;
    }""")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return page.evaluate(
        """([n, base]) => [...document.querySelectorAll('li.md-search-result__item')].slice(0, n)
            .map(li => [...li.querySelectorAll(':scope > a.md-search-result__link')]
                .map(a => a.href.replace(base, '').replace(/\\?h=[^#]*/, '')))""",
        [groups, base_url],
    )


@pytest.mark.parametrize("page_id", sorted(KEY_TERMS))
def test_key_term_finds_the_bank_page(search_page, base_url, page_id):
    query = KEY_TERMS[page_id]
    groups = top_results(search_page, base_url, query)
    assert found(BANK[page_id], groups), f"{query!r}: {BANK[page_id]} not in top 3: {groups}"
