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
