"""Execute the notebooks into copies with outputs, for the site build.

    python notebooks/execute.py [OUT_DIR]      # OUT_DIR defaults to .cache/notebooks
    NOTEBOOKS_DIR=OUT_DIR mkdocs build          # hooks/notebooks.py then renders the copies

The committed notebooks in notebooks/ stay without outputs. MNIST and the GPT-2 and Chinese-CLIP
weights are downloaded on the first run (into ~/.keras/datasets and ~/.cache/huggingface; the
list is notebooks/downloads.txt). Any error stops the run, and each cell may take at most
CELL_TIMEOUT seconds.

tests/test_notebooks.py calls execute() with a setup cell that replaces the downloads with
offline stand-ins and a check cell that reports results; both are removed from the copy.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
CELL_TIMEOUT = 1200  # seconds; the CNN's 5 epochs on 60,000 digits are the slowest cell
KERNEL = "python3"
# Kept out of the outputs: TensorFlow's C++ start-up notes (CPU instructions, oneDNN) and the
# Hugging Face download/loading progress bars (hundreds of redraws; without ipywidgets, a warning).
# DISABLE_SAFETENSORS_CONVERSION: Chinese-CLIP's pinned revision has only pytorch_model.bin, and
# Transformers would otherwise start a background thread that asks the Hub for a converted
# model.safetensors (another ~750 MB into the cached ~/.cache/huggingface) while the notebook runs.
KERNEL_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "HF_HUB_DISABLE_PROGRESS_BARS": "1",
              "DISABLE_SAFETENSORS_CONVERSION": "1"}


def _stream(cell, name: str = "stdout") -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == name)


def _progress(total: int):
    """nbclient hooks that print each code cell's number and time: a cell may run for minutes in CI."""
    started = time.monotonic()
    state = {"number": 0, "cell_started": started}

    def on_start(cell, cell_index, **kwargs):
        if cell.cell_type == "code":
            state["number"] += 1
            state["cell_started"] = time.monotonic()

    def on_executed(cell, cell_index, **kwargs):
        now = time.monotonic()
        print(f"  cell {state['number']}/{total} done in {now - state['cell_started']:.1f} s "
              f"({now - started:.0f} s in all)", flush=True)

    return {"on_cell_start": on_start, "on_cell_executed": on_executed}


def execute(source: Path, dest: Path | None = None, *, setup: str = "", check: str = "", progress: bool = False):
    """Run a notebook; return (executed notebook without the setup/check cells, check cell's stdout).
    With progress, print a line as each code cell finishes."""
    notebook = nbformat.read(source, as_version=4)
    if setup:
        notebook.cells.insert(0, nbformat.v4.new_code_cell(setup))
    if check:
        notebook.cells.append(nbformat.v4.new_code_cell(check))
    os.environ.update(KERNEL_ENV)  # the kernel inherits this process's environment
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name=KERNEL,
        allow_errors=False,
        coalesce_streams=True,  # keeps the last state of progress bars, not every redraw
        resources={"metadata": {"path": str(source.parent)}},
        **(_progress(sum(c.cell_type == "code" for c in notebook.cells)) if progress else {}),
    )
    client.execute()
    report = ""
    if check:
        report = _stream(notebook.cells.pop())
    if setup:
        notebook.cells.pop(0)
        for cell in notebook.cells:  # number the cells as if the setup cell had not run
            if cell.cell_type != "code":
                continue
            if cell.get("execution_count"):
                cell.execution_count -= 1
            for output in cell.get("outputs", []):
                if output.get("execution_count"):
                    output.execution_count -= 1
    if dest is not None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, dest)
    return notebook, report


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(".cache/notebooks")
    for source in sorted(HERE.glob("*.ipynb")):
        started = time.monotonic()
        print(f"executing {source.name} ...", flush=True)
        execute(source, out / source.name, progress=True)
        print(f"  wrote {out / source.name} in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
