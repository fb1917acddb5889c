"""Execute the notebooks into copies with outputs, for the site build.

    python notebooks/execute.py [OUT_DIR]      # OUT_DIR defaults to .cache/notebooks
    NOTEBOOKS_DIR=OUT_DIR mkdocs build          # hooks/notebooks.py then renders the copies

The committed notebooks in notebooks/ stay without outputs. MNIST and the GPT-2 and Chinese-CLIP
weights are downloaded first, before any notebook runs (into ~/.keras/datasets and
~/.cache/huggingface, where the notebooks then find them; the list is notebooks/downloads.txt):
each item gets TRIES tries, BACKOFF seconds apart and doubling, and one that still fails stops the
run with a message naming it. Any error in a notebook stops the run too, and each cell may take at
most CELL_TIMEOUT seconds.

tests/test_notebooks.py calls execute() with a setup cell that replaces the downloads with
offline stand-ins and a check cell that reports results; both are removed from the copy.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Callable, TypeVar

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


# ---- downloads, with retries ------------------------------------------------------------------

DOWNLOADS = HERE / "downloads.txt"
TRIES = 3
BACKOFF = 15.0  # seconds before the second try; twice that before the third
T = TypeVar("T")


class DownloadError(RuntimeError):
    """A download that failed every try; the message names it."""


def retry(what: str, fetch: Callable[[], T], *, tries: int = TRIES, backoff: float | None = None,
          sleep: Callable[[float], None] | None = None) -> T:
    """fetch(), tried up to `tries` times, waiting backoff (default BACKOFF), 2 x backoff, ... seconds
    between tries (with `sleep`, default time.sleep). Any exception counts as a failed try: the
    libraries report network trouble with many types (urllib's and httpx's errors, Keras's plain
    Exception). DownloadError names `what` at the end."""
    backoff = BACKOFF if backoff is None else backoff
    sleep = time.sleep if sleep is None else sleep
    for attempt in range(1, tries + 1):
        try:
            return fetch()
        except Exception as error:  # noqa: BLE001 (see the docstring)
            failure = f"{type(error).__name__}: {error}"
            if attempt == tries:
                raise DownloadError(f"could not fetch {what} after {tries} tries; last error: {failure}") from error
            delay = backoff * 2 ** (attempt - 1)
            print(f"  {what}: try {attempt} of {tries} failed ({failure}); trying again in {delay:g} s", flush=True)
            sleep(delay)
    raise AssertionError("unreachable")


def read_downloads(path: Path = DOWNLOADS) -> list[tuple[str, str, str]]:
    """(notebook, kind, what) for each line of downloads.txt; `what` keeps its @revision."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            notebook, kind, what, _size = line.split(None, 3)
            rows.append((notebook, kind, what))
    return rows


def fetch_keras_dataset(name: str) -> None:
    """What the notebook's tf.keras.datasets.<name>.load_data() downloads, into the same cache."""
    import tensorflow as tf

    getattr(tf.keras.datasets, name).load_data()


# The files from_pretrained() reads: configuration, tokenizer and processor files, and the weights in
# one format (safetensors when the revision has them, else PyTorch's .bin), not every format a
# model repository offers (GPT-2's holds TensorFlow, Flax, Rust, ONNX and TFLite copies too).
HUB_FILES = ["*.json", "*.txt", "*.model"]


WEIGHTS = ("model.safetensors", "pytorch_model.bin")  # in the order from_pretrained() prefers them


def _weights(repo: str, revision: str | None) -> str:
    """The weights file from_pretrained() will read: the Hub's file list says, or, when the Hub
    cannot be reached, the file the cache already holds (a warm cache needs no network)."""
    from huggingface_hub import list_repo_files, try_to_load_from_cache

    try:
        files = list_repo_files(repo, revision=revision)
    except Exception:
        cached = [name for name in WEIGHTS if isinstance(try_to_load_from_cache(repo, name, revision=revision), str)]
        if cached:
            return cached[0]
        raise
    return next((name for name in WEIGHTS if name in files), WEIGHTS[0])


def fetch_huggingface(what: str) -> None:
    """A Hub model at its pinned revision (`id@revision`; without one, main), into the Hub cache the
    notebook's from_pretrained() reads. snapshot_download() skips what the cache holds, and with the
    Hub unreachable returns a cached snapshot that is complete."""
    from huggingface_hub import snapshot_download

    repo, _, revision = what.partition("@")
    snapshot_download(repo, revision=revision or None, allow_patterns=[*HUB_FILES, _weights(repo, revision or None)])


FETCHERS: dict[str, Callable[[str], None]] = {"keras-dataset": fetch_keras_dataset, "huggingface": fetch_huggingface}


def prefetch(downloads: list[tuple[str, str, str]], fetchers=None, **retry_options) -> None:
    """Fetch every download, each with retries; the first that fails every try raises DownloadError."""
    fetchers = FETCHERS if fetchers is None else fetchers
    for notebook, kind, what in downloads:
        started = time.monotonic()
        print(f"fetching {kind} {what} (for {notebook}.ipynb) ...", flush=True)
        retry(f"{kind} {what} (for {notebook}.ipynb)", lambda: fetchers[kind](what), **retry_options)
        print(f"  done in {time.monotonic() - started:.0f} s", flush=True)


# ---- executing ----------------------------------------------------------------------------------


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
    os.environ.update(KERNEL_ENV)  # no Hub progress bars in the log
    try:
        prefetch(read_downloads())
    except DownloadError as error:
        print(f"make notebooks: {error}. No notebook was executed.", file=sys.stderr, flush=True)
        return 1
    for source in sorted(HERE.glob("*.ipynb")):
        started = time.monotonic()
        print(f"executing {source.name} ...", flush=True)
        execute(source, out / source.name, progress=True)
        print(f"  wrote {out / source.name} in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
