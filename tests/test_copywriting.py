"""Chinese copywriting: autocorrect (PyPI autocorrect-py) finds nothing to fix.

It checks spacing between CJK and Latin letters or digits, full-width punctuation in Chinese
sentences and similar rules, over every Markdown page in docs/, the glossary data
(docs/glossary.yml) and the Markdown cells of the notebooks. Code is left alone by autocorrect.
"""

from __future__ import annotations

import json
from pathlib import Path


from conftest import ROOT, missing

try:
    import autocorrect_py
except ImportError:  # pragma: no cover - depends on the machine
    autocorrect_py = None


def sources() -> list[tuple[str, str, str]]:
    """(label, text, file type) for everything checked."""
    out = []
    for path in sorted((ROOT / "docs").rglob("*.md")):
        out.append((path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"), "md"))
    glossary = ROOT / "docs" / "glossary.yml"
    out.append((glossary.relative_to(ROOT).as_posix(), glossary.read_text(encoding="utf-8"), "yaml"))
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"])
                out.append((f"{path.relative_to(ROOT).as_posix()} cell {number}", text, "md"))
    return out


def findings(text: str, filetype: str) -> list:
    if autocorrect_py is None:
        missing("autocorrect-py is not installed (pip install -r tests/requirements.txt)")
    return list(autocorrect_py.lint_for(text, filetype).lines)


def test_everything_is_checked():
    labels = [label for label, _, _ in sources()]
    assert "docs/glossary.yml" in labels
    assert any(label.startswith("docs/qa/") for label in labels)
    assert any(label.startswith("notebooks/") for label in labels), "no notebook Markdown cells found"


def test_autocorrect_finds_nothing():
    report = []
    for label, text, filetype in sources():
        for line in findings(text, filetype):
            report.append(f"{label}:{line.line}:{line.col}\n  - {line.old}\n  + {line.new}")
    assert not report, f"{len(report)} autocorrect findings:\n" + "\n".join(report)


def test_autocorrect_catches_a_planted_defect():
    assert findings("这是一个test，用于OpenAI的模型。\n", "md")
    assert findings("definition: 这是GPT的定义。\n", "yaml")
    assert not findings("这是一个 test，用于 OpenAI 的模型。\n\n```python\nx=1+2\n```\n", "md")
