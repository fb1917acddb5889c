"""The 延伸题库 (docs/bank/): its format on every page, its size, its snippets, its formulas, and
its links with the article's questions.

What a reader relies on: every question has the same parts in the same order (速答, 详解, 追问,
参考), labels for difficulty and frequency, primary sources with a date; the code shown runs and
prints what the page says it prints; formulas are MathML; the author's questions lead to the
deeper pages and back.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, copy_project, mkdocs_build

sys.path.insert(0, str(ROOT / "hooks"))
import content  # noqa: E402

DOCS = ROOT / "docs"
BANK = DOCS / "bank"
# Issue "延伸题库 I" covers the model's parts; "延伸题库 II" the rest.
PARTS_GROUPS = ("transformer", "encoders", "connectors")
ARTICLE_QUESTIONS = ("definition", "principles", "nlp", "vision", "speech", "training", "medical")
SNIPPET = re.compile(r"^```python[^\n]*\n(?P<code>.*?)\n```\n\n```text title=\"输出\"\n(?P<out>.*?)\n```$",
                     re.MULTILINE | re.DOTALL)


def bank_files() -> list[Path]:
    return sorted(p for p in BANK.glob("*/*.md") if p.name != "index.md")


def questions() -> list[content.BankPage]:
    return [content.bank_page(str(p.relative_to(DOCS)), p.read_text(encoding="utf-8")) for p in bank_files()]


def html_of(site: Path, src: Path) -> BeautifulSoup:
    rel = src.relative_to(DOCS).with_suffix("")
    return BeautifulSoup((site / rel / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_bank_size_and_groups():
    pages = questions()
    groups = {p.group for p in pages}
    in_parts = [p for p in pages if p.group in PARTS_GROUPS]
    assert len(in_parts) >= 22, f"{len(in_parts)} pages in {PARTS_GROUPS}"
    assert len(pages) >= 45, f"{len(pages)} bank pages"
    assert len(groups) >= 8, sorted(groups)
    for group in groups:
        assert (BANK / group / "index.md").exists()


def test_every_page_has_the_format_in_its_html(site):
    """Title, badge and labels, tags, then exactly 速答, 详解, 追问, 参考 as h2, at least two 追问
    with their own anchors, the sources as https links, the date they were checked."""
    for page, src in zip(questions(), bank_files()):
        soup = html_of(site, src)
        article = soup.select_one("article")
        h1 = article.select_one("h1")
        assert h1["id"] == page.id
        meta = article.select_one("h1 + .bank-meta")
        assert meta is not None and "本站补充" in meta.get_text(), src
        labels = [label.get_text() for label in meta.select(".bank-label")]
        assert labels == [f"难度 {page.difficulty}/3·{content.DIFFICULTY_NAMES[page.difficulty]}", page.frequency]
        assert sorted(t.get_text(strip=True) for t in article.select(".md-tags .md-tag")) == sorted(page.tags), src
        h2 = [h["id"] for h in article.select("h2")]
        assert h2[:4] == ["quick", "detail", "follow-up", "references"], (src, h2)
        assert [h.get_text().rstrip("¶") for h in article.select("h2")][:4] == ["速答", "详解", "追问", "参考"]
        follow = [h["id"] for h in article.select("#follow-up ~ h3") if h.find_previous("h2")["id"] == "follow-up"]
        assert follow == [f.id for f in page.follow_ups] and len(follow) >= 2, src
        references = article.select_one("#references").find_next_sibling("ol")
        assert [a["href"] for a in references.select("a")] == [s.url for s in page.sources], src
        assert all(s.url.startswith("https://") for s in page.sources)
        assert page.checked.isoformat() in article.select_one(".bank-checked").get_text()


def test_quick_answers_are_short():
    for page in questions():
        lines = [line for line in page.quick.splitlines() if line.strip()]
        assert 3 <= len(lines) <= 6, (page.src_uri, len(lines))


def test_overview_lists_every_question_with_labels(site):
    soup = BeautifulSoup((site / "bank" / "index.html").read_text(encoding="utf-8"), "html.parser")
    listed = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in soup.select("article .page-list li > a:first-child")}
    assert listed == {p.id for p in questions()}
    assert len(soup.select("article .page-list .bank-label")) == 2 * len(listed)


def snippets() -> list[tuple[str, str, str]]:
    found = []
    for src in bank_files():
        text = src.read_text(encoding="utf-8")
        for match in SNIPPET.finditer(text):
            found.append((str(src.relative_to(ROOT)), match.group("code"), match.group("out")))
    return found


def test_enough_snippets():
    found = snippets()
    in_parts = [s for s in found if s[0].split("/")[2] in PARTS_GROUPS]
    assert len(in_parts) >= 8, len(in_parts)
    assert len(found) >= 14, len(found)


@pytest.mark.parametrize("where,code,expected", snippets(), ids=lambda v: v if isinstance(v, str) and v.endswith(".md") else "")
def test_snippet_prints_what_the_page_shows(where, code, expected, tmp_path):
    """Each snippet runs on its own (CPU, no network) and prints exactly its 输出 block."""
    script = tmp_path / "snippet.py"
    script.write_text(code + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0",
                                              "OMP_NUM_THREADS": "1", "HOME": str(tmp_path)})
    assert result.returncode == 0, f"{where}:\n{result.stderr}"
    assert result.stdout.rstrip("\n") == expected.rstrip("\n"), f"{where}: printed\n{result.stdout}"


def test_snippet_rule_matches_a_planted_mismatch(tmp_path):
    """The snippet pattern really pairs code with its output (so the check above is not vacuous)."""
    planted = '```python title="x.py"\nprint(1 + 1)\n```\n\n```text title="输出"\n3\n```\n'
    match = SNIPPET.search(planted)
    assert match and match.group("code") == "print(1 + 1)" and match.group("out") == "3"


def test_formulas_are_mathml(site):
    """No TeX left in the HTML, no math script; each formula of the source is one <math>."""
    total = 0
    for src in bank_files():
        soup = html_of(site, src)
        article = soup.select_one("article")
        for code in article.select("pre, code"):
            code.decompose()
        for math in article.select("math"):
            del math["alttext"]  # the TeX source, kept on purpose for screen readers and copying
        text = str(article)
        assert "\\frac" not in text and "\\(" not in text and "\\[" not in text, src
        assert not re.search(r"(?<!\\)\$[^$\s][^$]*\$", article.get_text()), src
        total += len(article.select("math"))
    assert total >= 45, f"{total} formulas in the bank"
    scripts = " ".join(s.get("src", "") + s.get_text() for s in html_of(site, bank_files()[0]).select("script"))
    assert not re.search(r"mathjax|katex", scripts, re.I)


def test_article_questions_link_the_bank_and_back(site):
    """Each of the author's questions has a 本站补充 "更完整的回答" that links deeper pages, and
    each deeper page links back to it."""
    bank = {p.id: p for p in questions()}
    for question in ARTICLE_QUESTIONS:
        soup = BeautifulSoup((site / "qa" / question / "index.html").read_text(encoding="utf-8"), "html.parser")
        heading = soup.select_one("#fuller-answer")
        assert heading is not None, question
        block = heading.find_parent(class_="site-addition")
        assert block is not None and "本站补充" in block.get_text()
        linked = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in block.select('a[href*="bank/"]')}
        assert len(linked & set(bank)) >= 2, (question, linked)
        for target in linked & set(bank):
            src = BANK / bank[target].group / f"{target}.md"
            back = html_of(site, src).select(f'article a[href$="qa/{question}/"]')
            assert back, f"{target} does not link back to qa/{question}"


def test_every_bank_page_leads_to_an_article_question(site):
    for src in bank_files():
        links = html_of(site, src).select('article #related-questions ~ .page-list a[href*="qa/"]')
        assert links, f"{src}: no link back to the article's questions"


def test_summary_links_the_pages_that_answer_its_risks(site):
    soup = BeautifulSoup((site / "summary" / "index.html").read_text(encoding="utf-8"), "html.parser")
    block = soup.select_one("#fuller-answer").find_parent(class_="site-addition")
    assert block.select('a[href*="privacy-interpretability"]')


# --- bad input: each defect stops the build and names the file -------------------------------


def first_page() -> Path:
    return bank_files()[0]


def _plant(change):
    def plant(project: Path):
        path = project / first_page().relative_to(ROOT)
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return plant


def _without_part(text: str, name: str) -> str:
    return re.sub(rf"^## {name} .*?(?=^## )", "", text, count=1, flags=re.MULTILINE | re.DOTALL)


def _one_follow_up(text: str) -> str:
    head, follow = text.split("\n## 追问 {#follow-up}\n", 1)
    first = re.split(r"(?=^### )", follow, flags=re.MULTILINE)
    return head + "\n## 追问 {#follow-up}\n" + "".join(first[:2])


BAD_PAGES = {
    "missing 速答": (lambda t: _without_part(t, "速答"), "needs exactly the parts"),
    "one 追问": (_one_follow_up, "write at least 2"),
    "http source": (lambda t: re.sub(r"url: https://", "url: http://", t, count=1), "is not an https:// link"),
    "difficulty 4": (lambda t: re.sub(r"^difficulty: \d", "difficulty: 4", t, count=1, flags=re.MULTILINE),
                     "'difficulty' is 4"),
    "bad formula": (lambda t: t.replace("\n## 追问 {#follow-up}\n", "\n$\\frac{a}{$\n\n## 追问 {#follow-up}\n", 1),
                    "does not parse"),
    "unknown command": (lambda t: t.replace("\n## 追问 {#follow-up}\n", "\n$\\softmaxx(x)$\n\n## 追问 {#follow-up}\n", 1),
                        "latex2mathml does not know"),
    "heading without id": (lambda t: re.sub(r"^(### [^{\n]*?)\s*\{#[^}]+\}$", r"\1", t, count=1, flags=re.MULTILINE),
                           "needs a stable id"),
    "unknown term": (lambda t: re.sub(r"^terms: \[", "terms: [no-such-term, ", t, count=1, flags=re.MULTILINE),
                     "'no-such-term', which is not a glossary term id"),
}


@pytest.mark.parametrize("case", sorted(BAD_PAGES))
def test_bad_bank_page_stops_the_build(case, tmp_path):
    change, message = BAD_PAGES[case]
    project = copy_project(tmp_path / "project")
    original = (project / first_page().relative_to(ROOT)).read_text(encoding="utf-8")
    assert change(original) != original, f"{case}: the planted change did not apply"
    _plant(change)(project)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0, f"{case}: the build passed"
    assert str(first_page().relative_to(DOCS)) in result.log and message in result.log, result.log[-2000:]


def test_glossary_has_grown_with_the_bank():
    import yaml

    terms = yaml.safe_load((DOCS / "glossary.yml").read_text(encoding="utf-8"))["terms"]
    assert len(terms) >= 190, len(terms)
