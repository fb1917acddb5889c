"""Words a reader can rely on (issue 22): counts from the data, 关于 written for readers with a way
to report an error that exists in this build, "相关页面" where a list holds more than questions,
the site's own notebook titled by its subject (the card's label says 本站补充), a Chinese footer,
facts as their sources say, and term links spaced as touch targets."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from conftest import ROOT

sys.path.insert(0, str(ROOT / "hooks"))


def _soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_counts_come_from_the_data(site):
    notebooks = len(list((ROOT / "notebooks").glob("*.ipynb")))
    home = _soup(site, "")
    description = home.select_one('meta[name="description"]')["content"]
    card = home.select_one("article .grid.cards").get_text()
    assert f"{notebooks} 个可运行的代码示例" in description, description
    assert f"{notebooks} 个可运行的代码示例" in card
    assert "count:" not in (site / "index.html").read_text(encoding="utf-8"), "a count marker left unreplaced"
    assert "两个代码示例" not in description + card


def test_about_is_for_readers_and_links_only_a_known_repository(site):
    import repository

    about = _soup(site, "about")
    text = about.select_one("article").get_text()
    assert "本项目的任务" not in text and "交来的文本" not in text
    for heading in ("这是什么", "原文从哪里来", "本站补充了什么", "发现错误"):
        assert heading in text
    assert "不知道它的作者" in text
    # The tests build with REPO_URL set (conftest.DEPLOY_ENV): the report link goes to its issues.
    links = [a["href"] for a in about.select("#report ~ p a")]
    assert "https://github.com/owner/repository/issues" in links, links
    assert "issues" not in repository.report_text(None) and "](" not in repository.report_text(None)
    assert "“源码”" not in repository.report_text(None), "no pointer to a link this build lacks"


def test_related_lists_say_pages_where_not_all_are_questions(site):
    import pages

    checked = 0
    for path in sorted((site / "qa").glob("*/index.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        heading = soup.select_one("article h2#related-questions")
        if heading is None:
            continue
        links = [a["href"] for a in soup.select("#related-questions ~ .page-list a")]
        not_questions = [h for h in links if "/code/" in h or h.rstrip("/").endswith(("summary", ".."))]
        expected = "相关页面" if not_questions else "相关问题"
        assert heading.get_text().rstrip("¶") == expected, f"{path}: {links}"
        checked += 1
    assert checked >= 5
    assert pages._is_question("qa/nlp.md") and not pages._is_question("code/gpt2.ipynb")
    assert not pages._is_question("qa/index.md") and not pages._is_question("summary.md")


def test_footer_is_chinese(site):
    for path in ("", "qa/definition", "about"):
        footer = _soup(site, path).select_one("footer").get_text()
        assert "Made with" not in footer and "Material for MkDocs" not in footer
    assert "Material for MkDocs" in _soup(site, "about").select_one("article").get_text(), "关于 credits it"


def test_the_sites_own_notebook_card_is_labelled(site):
    from PIL import Image

    title = Image.open(site / "assets" / "cards" / "chinese-clip.png").text.get("Title", "")
    assert not title.startswith("本站补充"), title
    import cards

    class Page:  # what card_for reads of a page
        class file:
            src_uri = "code/chinese-clip.ipynb"

        meta = {"addition": True}
        is_page, is_index = True, False
        toc = []
        title = "用 Chinese-CLIP 做图文匹配"

        class parent:
            title = "算法编程题库"
            children = []

    card = cards.card_for(Page, "站点", None)
    assert card.label == "算法编程题库·本站补充" and card.title == Page.title


def test_facts_as_their_sources_say():
    terms = {t["id"]: t for t in yaml.safe_load((ROOT / "docs" / "glossary.yml").read_text(encoding="utf-8"))["terms"]}
    assert "100 万" in terms["transformers-library"]["definition"]
    assert "75 万" not in terms["transformers-library"]["definition"]
    assert terms["tensorflow"]["source"]["year"] == 2015  # the whitepaper and code: November 2015
    diffusion = terms["diffusion-model"]["definition"]
    assert "2022 年" in diffusion and "DDPM" in diffusion and "2020 年以后" not in diffusion
    notebook = (ROOT / "notebooks" / "chinese-clip.ipynb").read_text(encoding="utf-8")
    assert "用同样的方法" not in notebook and "两个阶段" in notebook and "2211.01335" in notebook


def test_term_links_are_not_packed_together(site):
    """No term link starts within TERM_GAP characters of another link, nor ends within them of one."""
    import glossary

    for path in ("qa/training", "qa/definition", "summary", "code/chinese-clip"):
        html = (site / path / "index.html").read_text(encoding="utf-8")
        gap = glossary.TERM_GAP - 1
        close = (re.findall(r'</a>([^<]{0,%d})<a class="glossary-term"' % gap, html)
                 + re.findall(r'<a class="glossary-term"[^>]*>[^<]*</a>([^<]{0,%d})<a ' % gap, html))
        assert not close, f"/{path}: term links separated by {close}"


def test_heading_breaks_leave_placeholders_and_search_alone(site):
    """hooks/headings.py touches the text of headings only: the tags plugin's placeholders
    ("bank/tags.md:50-72/name", replaced after it) and the search titles keep their text."""
    import json

    import headings

    assert headings.break_text("bank/tags.md:50-72/name") == "bank/tags.md:50-72/name"
    assert "tags.md:" not in (site / "bank" / "tags" / "index.html").read_text(encoding="utf-8")
    titles = [d["title"] for d in json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]]
    assert not [t for t in titles if "tags.md:" in t or "<wbr" in t or "nowrap" in t]
