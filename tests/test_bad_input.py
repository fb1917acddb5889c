"""Bad input stops the build with a message that names the file and the entry.

Each case plants one defect in a throwaway copy of the sources and runs a strict build.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import copy_project, mkdocs_build

GLOSSARY = Path("docs/glossary.yml")


def edit_glossary(change):
    def plant(project: Path):
        path = project / GLOSSARY
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    return plant


def term(data, term_id):
    return next(t for t in data["terms"] if t["id"] == term_id)


def drop_definition(data):
    del term(data, "self-attention")["definition"]


def duplicate_id(data):
    data["terms"].append({**term(data, "self-attention"), "zh": "另一个术语", "en": "Another", "abbr": [], "aliases": []})


def unknown_question(data):
    term(data, "cnn")["questions"].append("no-such-question")


def shared_name(data):
    term(data, "rnn")["aliases"].append("CNN")


def long_definition(data):
    term(data, "recall")["definition"] = "第一句。第二句。第三句。第四句。"


def bad_id(data):
    term(data, "recall")["id"] = "Recall Rate"


def empty_alias(data):
    term(data, "cnn")["aliases"].append("")


def reserved_id(data):
    term(data, "recall")["id"] = "glossary"


def source_not_a_mapping(data):
    term(data, "transformer")["source"] = "https://arxiv.org/abs/1706.03762"


def source_over_http(data):
    term(data, "transformer")["source"]["url"] = "http://arxiv.org/abs/1706.03762"


def source_without_url(data):
    del term(data, "transformer")["source"]["url"]


def source_year_implausible(data):
    term(data, "transformer")["source"]["year"] = 17


def source_year_not_a_number(data):
    term(data, "transformer")["source"]["year"] = "2017"


def source_title_empty(data):
    term(data, "transformer")["source"]["title"] = " "


def unused_term(data):
    term(data, "ser")["questions"] = []  # no page, and no other definition says 语音情感识别


def names_differ_in_case(data):
    term(data, "cnn")["aliases"].append("cnn")


def name_shared_up_to_case(data):
    term(data, "rnn")["aliases"].append("cnn")


def category_named_index(data):
    data["categories"].append({"id": "index", "name": "索引"})
    term(data, "ser")["category"] = "index"


def rewrite(relpath: str, old: str, new: str):
    def plant(project: Path):
        path = project / relpath
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture out of date: {old!r} not in {relpath}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return plant


CASES = {
    "missing field": (edit_glossary(drop_definition), r"docs/glossary\.yml: term 'self-attention': missing field 'definition'"),
    "duplicate id": (edit_glossary(duplicate_id), r"docs/glossary\.yml: term 'self-attention': duplicate id"),
    "unknown question": (edit_glossary(unknown_question), r"docs/glossary\.yml: term 'cnn': 'questions' names 'no-such-question'"),
    "name used twice": (edit_glossary(shared_name), r"docs/glossary\.yml: term 'rnn': name 'CNN' is already used by term 'cnn'"),
    "definition too long": (edit_glossary(long_definition), r"docs/glossary\.yml: term 'recall': definition has 4 sentences"),
    "id not ASCII slug": (edit_glossary(bad_id), r"docs/glossary\.yml: term 'Recall Rate': id must be lowercase ASCII"),
    "empty alias": (edit_glossary(empty_alias), r"docs/glossary\.yml: term 'cnn': 'aliases' has ''"),
    "id of the page itself": (edit_glossary(reserved_id), r"docs/glossary\.yml: term 'glossary': id must be .* other than 'glossary'"),
    "YAML syntax": (rewrite("docs/glossary.yml", "terms:", "terms: ["), r"docs/glossary\.yml: cannot read"),
    "source not a mapping": (edit_glossary(source_not_a_mapping),
                             r"docs/glossary\.yml: term 'transformer': 'source' must be a mapping"),
    "source not https": (edit_glossary(source_over_http),
                         r"docs/glossary\.yml: term 'transformer': 'source' url 'http://arxiv\.org/abs/1706\.03762' "
                         r"is not an https:// link"),
    "source without url": (edit_glossary(source_without_url),
                           r"docs/glossary\.yml: term 'transformer': 'source' needs exactly title, year and url "
                           r"\(missing: url;"),
    "source year implausible": (edit_glossary(source_year_implausible),
                                r"docs/glossary\.yml: term 'transformer': 'source' year 17 is not a year"),
    "source year a string": (edit_glossary(source_year_not_a_number),
                             r"docs/glossary\.yml: term 'transformer': 'source' year '2017' is not a year"),
    "source title empty": (edit_glossary(source_title_empty),
                           r"docs/glossary\.yml: term 'transformer': 'source' has an empty title"),
    "term used nowhere": (edit_glossary(unused_term),
                          r"docs/glossary\.yml: term 'ser': 'questions' lists no page and no other term's definition"),
    "names differ only in case": (edit_glossary(names_differ_in_case),
                                  r"docs/glossary\.yml: term 'cnn': names 'CNN' and 'cnn' differ only in case"),
    "name shared up to case": (edit_glossary(name_shared_up_to_case),
                               r"docs/glossary\.yml: term 'rnn': name 'cnn' is already used by term 'cnn'"),
    "category id of a glossary file": (edit_glossary(category_named_index),
                                       r"docs/glossary\.yml: category 'index': id must be .* other than 'glossary' or 'index'"),
    "nav without the glossary": (
        rewrite("mkdocs.yml", "术语表: glossary/index.md", "术语表: glossary.md"),
        r"mkdocs\.yml: nav must list 'glossary/index\.md' once",
    ),
    "page without description": (
        rewrite("docs/qa/nlp.md", "description:", "summary:"),
        r"qa/nlp\.md: missing 'description'",
    ),
    "related page missing": (
        rewrite("docs/qa/nlp.md", "related: [vision, speech]", "related: [vision, nowhere]"),
        r"qa/nlp\.md: 'related' names 'nowhere'",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_the_build_naming_the_entry(tmp_path, case):
    plant, message = CASES[case]
    project = copy_project(tmp_path / "project")
    plant(project)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0, f"{case}: the build passed"
    assert re.search(message, result.log), f"{case}: expected /{message}/ in:\n{result.log[-2000:]}"


def test_the_untouched_copy_builds(tmp_path):
    """The fixture itself is sound: without a defect the copy builds."""
    project = copy_project(tmp_path / "project")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.log[-2000:]
