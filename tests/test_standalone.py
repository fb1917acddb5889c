"""The repository stands on its own: a clone with nothing beside it builds and passes its content tests.

GitHub's runners and contributors' laptops clone the repository alone. These tests copy exactly the
tracked files (`git ls-files`, plus new files git does not ignore) into an empty temporary folder and run the strict build and the tests
that compare the site with the author's manuscript there; anything that reads a file outside the
repository fails. A text search also rejects any mention of a path outside the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import MANUSCRIPT, ROOT

# Paths that only exist on one machine or beside one checkout. Written in pieces, so that this
# file names none of them itself and the check covers it too.
UP, SLASH = "..", "/"
OUTSIDE = re.compile("|".join([
    re.escape(UP + SLASH + "shared"), r"\bshared" + SLASH + "seed", SLASH + "work" + SLASH, SLASH + "root" + SLASH,
    SLASH + "home" + SLASH + "[a-z]", re.escape(SLASH.join([UP] * 3)),
]))
# The tests that read the manuscript: the text of every page, and the notebooks' seed cells.
CONTENT_TESTS = [
    "tests/test_site.py::test_strict_build_has_no_warnings",
    "tests/test_site.py::test_seed_has_the_expected_shape",
    "tests/test_site.py::test_every_seed_unit_is_published",
    "tests/test_notebooks.py::test_notebooks_open_with_the_seed_question_answer_and_code",
    "tests/test_notebooks.py::test_seed_code_is_verbatim_on_the_pages",
]


def tracked_files() -> list[str]:
    """The repository's files: tracked, plus new ones not yet added that git does not ignore."""
    run = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, f"these tests need a git checkout: {run.stderr}"
    return [name for name in run.stdout.split("\0") if name]


def bare_copy(dest: Path) -> Path:
    """The tracked files alone, in a folder whose parent holds nothing else."""
    for name in tracked_files():
        source = ROOT / name
        if source.is_file():  # a file deleted in the working tree but not yet in the index
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def test_the_manuscript_is_tracked():
    assert MANUSCRIPT.relative_to(ROOT).as_posix() in tracked_files()
    assert MANUSCRIPT.read_text(encoding="utf-8").startswith("# 多模态大模型：技术原理与实战")


def test_no_file_names_a_path_outside_the_repository():
    offenders = []
    for name in tracked_files():
        path = ROOT / name
        if not path.is_file() or path.suffix in {".png", ".svg", ".ico"} or name.endswith("package-lock.json"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert not offenders, "paths outside the repository:\n" + "\n".join(offenders)


def test_the_path_check_can_fail():
    assert OUTSIDE.search(f"cat {UP}{SLASH}shared{SLASH}seed{SLASH}article.md")
    assert OUTSIDE.search(f"Path('{UP}{SLASH}{UP}{SLASH}{UP}{SLASH}data')")
    assert OUTSIDE.search(f"open('{SLASH}work{SLASH}main{SLASH}docs{SLASH}index.md')")
    assert not OUTSIDE.search("[术语表](../glossary.md) and ../../qa/")


def test_content_tests_pass_in_a_bare_clone(tmp_path):
    """The build and the manuscript comparisons, run in a copy of the tracked files alone."""
    repo = bare_copy(tmp_path / "alone" / "repo")
    assert not (repo.parent.parent / "shared").exists() and sorted(repo.parent.iterdir()) == [repo]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *CONTENT_TESTS],
        cwd=repo, capture_output=True, text=True, env={**env, "NO_MKDOCS_2_WARNING": "1"}, timeout=900,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
    print(f"bare clone: {summary}")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", summary) and "error" not in summary, summary


def _expression_waits(text: str) -> list[int]:
    """Lines of `text` where wait_for_function is given a string that is not a function."""
    found = []
    for match in re.finditer(r"wait_for_function\(", text):
        rest = text[match.end():].lstrip()
        rest = rest[1:] if rest.startswith("f") else rest
        quote = next((q for q in ('"""', '"', "'") if rest.startswith(q)), None)
        if quote and not re.match(r"\s*(?:\(\)|\(\[?[\w, ]*\]?\)|\w+)\s*=>", rest[len(quote):]):
            found.append(text[:match.start()].count("\n") + 1)
    return found


def test_browser_waits_are_functions():
    """Playwright polls a wait_for_function predicate given as a plain expression with eval, which
    the site's Content-Security-Policy refuses: such a wait fails whenever its first check comes
    too early (it did, under load, in test_practice). Every predicate is a function."""
    offenders = [f"{path.name}:{line}" for path in sorted((ROOT / "tests").glob("*.py"))
                 for line in _expression_waits(path.read_text(encoding="utf-8"))]
    assert not offenders, f"wait_for_function with an expression, not a function: {offenders}"
    assert _expression_waits("page.wait_for_function" + '("window.ready")') == [1]  # split: not a hit here
    assert _expression_waits('page.wait_for_function("""() => 1""")\nwait_for_function("([a]) => a", [1])') == []
