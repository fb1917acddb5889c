"""The notebooks and their pages code/<name>/: the article's two examples (mnist, gpt2) and the
site's own multimodal example (chinese-clip).

- The committed notebooks have no outputs; the seed's code is in the article's two, and on their
  pages, verbatim. The site's own notebook says so in its title and is boxed as 本站补充 throughout.
- Every notebook runs end to end offline: notebooks/execute.py runs every cell with nbclient; only
  the downloads are replaced, by a setup cell the test adds (tests/notebook_offline.py).
- The site built from the executed copies (NOTEBOOKS_DIR) shows their outputs, text and images,
  and keeps them out of the search index.
- Pages: download and Colab links, headings with stable ASCII ids that the TOC links to, at most
  100 KB transferred (gzip) without outputs, no request to another host, outputs readable in the
  light and the dark scheme.
"""

from __future__ import annotations

import ast
import gzip
import importlib.util
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

import notebook_offline
from conftest import ROOT, copy_project, mkdocs_build, seed_code_examples, serve

ARTICLE_NOTEBOOKS = ("mnist", "gpt2")  # the article's 算法编程题库, in its order
SITE_NOTEBOOKS = ("chinese-clip",)  # written by the site, listed after the article's
NOTEBOOKS = ARTICLE_NOTEBOOKS + SITE_NOTEBOOKS
PAGE_BUDGET = 100 * 1024  # bytes transferred (gzip) by a notebook page without outputs
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The article's two code examples (算法编程题库), read from the seed: the oracle for "verbatim".
_SEED = dict(zip(ARTICLE_NOTEBOOKS, seed_code_examples(), strict=True))
SEED_CODE = {name: code for name, (_, _, code) in _SEED.items()}
SEED_HEADINGS = {name: (heading, answer) for name, (heading, answer, _) in _SEED.items()}


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _page(site: Path, name: str) -> Path:
    return site / "code" / name / "index.html"


def _code_text(soup: BeautifulSoup) -> str:
    return "\n".join(code.get_text() for code in soup.select("article pre code"))


# --- the committed notebooks ----------------------------------------------------------------


def test_committed_notebooks_have_no_outputs():
    found = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert found == sorted(NOTEBOOKS)
    for name in NOTEBOOKS:
        notebook = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        nbformat.validate(notebook)
        for number, cell in enumerate(notebook.cells, 1):
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{name}.ipynb cell {number} has outputs: clear them"
                assert cell.execution_count is None, f"{name}.ipynb cell {number} has an execution count"
        assert notebook.metadata.get("widgets") is None, f"{name}.ipynb carries widget state"


def _reader_cells(notebook) -> list:
    """The cells the page shows: all but the Colab setup cell (metadata site.colab_setup)."""
    return [c for c in notebook.cells if not c.metadata.get("site", {}).get("colab_setup")]


def test_notebooks_open_with_the_seed_question_answer_and_code():
    for name in ARTICLE_NOTEBOOKS:
        cells = _reader_cells(nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4))
        heading, answer = SEED_HEADINGS[name]
        assert cells[0].cell_type == "markdown"
        assert cells[0].source.splitlines()[0] == f"# {heading}"
        assert answer in cells[0].source.splitlines()
        assert cells[1].cell_type == "code" and cells[1].source == SEED_CODE[name]
        later = "\n".join(c.source for c in cells[2:] if c.cell_type == "markdown")
        assert "## 本站补充" in later, f"{name}.ipynb: the site's part must be headed 本站补充"


def test_seed_code_is_verbatim_on_the_pages(site):
    for name in ARTICLE_NOTEBOOKS:
        code = _code_text(_soup(_page(site, name))).splitlines()
        for line in SEED_CODE[name].splitlines():
            if line.strip():
                assert line in code, f"code/{name}/: seed line missing or altered: {line!r}"


def test_code_index_links_each_question_to_its_notebook(site):
    soup = _soup(site / "code" / "index.html")
    hrefs = [a["href"] for a in soup.select("article li > a[href]")]
    assert [href for href in hrefs if href.rstrip("/") in NOTEBOOKS] == [f"{name}/" for name in NOTEBOOKS], (
        "the overview lists the article's examples in order, then the site's own")


def test_the_sites_own_notebook_never_reads_as_the_articles(site):
    """Its first cell says it is not the article's, its metadata marks it as the site's own (the
    card's label says 本站补充; the title, shared with every link, says what it is about), and every
    heading below the title sits in the boxed 本站补充 part of the page."""
    seed_headings = [heading for heading, _ in SEED_HEADINGS.values()]
    for name in SITE_NOTEBOOKS:
        notebook = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        first = notebook.cells[0].source
        assert first.startswith("# ") and not first.startswith("# 本站补充"), (
            f"{name}.ipynb: the title names the example, not whose it is (the label and badge say that)")
        assert notebook.metadata["site"].get("addition") is True, f"{name}.ipynb: metadata site.addition missing"
        assert "不是原文的一部分" in first
        assert _reader_cells(notebook)[1].source.startswith("## 本站补充 "), (
            f"{name}.ipynb: the second cell opens the boxed part")
        assert notebook.metadata["site"]["description"].startswith("本站编写")
        soup = _soup(_page(site, name))
        article = soup.select_one("article")
        assert article.select_one(".notebook-addition .site-addition__label").get_text().rstrip("¶") == "本站补充"
        box = article.select_one(".notebook-addition")
        assert box is not None, f"code/{name}/ has no 本站补充 box"
        outside = [h.get_text() for h in article.select("h2, h3, h4, h5, h6") if box not in h.parents]
        assert not outside, f"code/{name}/: headings outside the 本站补充 box: {outside}"
        text = article.get_text()
        assert not any(heading in text for heading in seed_headings), "it must not present the article's questions"


@pytest.mark.parametrize("question", ["definition", "principles", "vision", "medical"])
def test_question_pages_link_the_multimodal_example_in_their_related_block(site, question):
    soup = _soup(site / "qa" / question / "index.html")
    links = soup.select('article .site-addition a[href$="code/chinese-clip/"]')
    assert len(links) == 1, f"qa/{question}/ does not link code/chinese-clip/ in its 本站补充 block"
    title = _soup(_page(site, "chinese-clip")).select_one("article h1").get_text().rstrip("¶")
    assert links[0].get_text() == title, "listed by its title (the block is marked 本站补充)"


def hooks_content():
    """hooks/content.py, the site's data loader, as a module."""
    spec = importlib.util.spec_from_file_location("site_content", ROOT / "hooks" / "content.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _downloads(notebook) -> set[str]:
    """What a notebook's code downloads: "keras-dataset <name>" for tf.keras.datasets.<name>.load_data(),
    "huggingface <id>[@<revision>]" for each from_pretrained(<id>, revision=...) call. Ids may be
    literals or names bound to literals in the notebook."""
    trees = [ast.parse(c.source) for c in notebook.cells if c.cell_type == "code"]
    constants = {target.id: node.value.value for tree in trees for node in ast.walk(tree)
                 if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                 for target in node.targets if isinstance(target, ast.Name)}

    def value(node):
        if isinstance(node, ast.Constant):
            return node.value
        return constants.get(getattr(node, "id", None), f"<{ast.unparse(node)}>")

    found = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr == "from_pretrained" and node.args:
                revision = next((value(k.value) for k in node.keywords if k.arg == "revision"), None)
                found.add(f"huggingface {value(node.args[0])}" + (f"@{revision}" if revision else ""))
            chain = ast.unparse(node.func)
            if chain.startswith("tf.keras.datasets.") and node.func.attr == "load_data":
                found.add(f"keras-dataset {chain.split('.')[3]}")
    return found


def test_the_download_list_names_what_the_notebooks_download():
    """notebooks/downloads.txt keys the deploy's data cache and feeds each page's note on what the
    first run downloads: it must list exactly what each notebook downloads."""
    listed = {}
    for notebook, kind, what, size in ((d.notebook, d.kind, d.what, d.size) for d in hooks_content().load_downloads(ROOT)):
        assert re.fullmatch(r"\d+ [KMG]B", size), f"downloads.txt: size {size!r} of {what}"
        listed.setdefault(notebook, set()).add(f"{kind} {what}")
    used = {p.stem: _downloads(nbformat.read(p, as_version=4)) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    used = {name: found for name, found in used.items() if found}
    assert used, "no download found in the notebooks: the parser is broken"
    assert listed == used, f"notebooks/downloads.txt lists {listed}, the notebooks download {used}"


def test_the_download_parser_reads_names_and_revisions():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'NAME = "org/model"\nREV = "abc123"\nm = Model.from_pretrained(NAME, revision=REV)\n'
        't = Tok.from_pretrained("gpt2")\n(x, y), _ = tf.keras.datasets.fashion_mnist.load_data()')])
    assert _downloads(notebook) == {"huggingface org/model@abc123", "huggingface gpt2", "keras-dataset fashion_mnist"}


# --- offline execution ----------------------------------------------------------------------


def _outputs(cell, kind=None):
    return [o for o in cell.get("outputs", []) if kind is None or o.output_type == kind]


def _after_seed_code(notebook, name: str) -> int:
    """The index of the first cell after the article's code cell."""
    return next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and c.source == SEED_CODE[name]) + 1


def test_mnist_runs_offline_and_the_cnn_beats_the_mlp(executed):
    notebook, check, seconds = executed["mnist"]
    print(f"mnist: {seconds:.0f} s, MLP {check['mlp']:.4f}, CNN {check['cnn']:.4f}")
    assert check["load_data_calls"] == 1
    assert (check["train"], check["test"]) == (notebook_offline.MNIST_TRAIN, 5000 - notebook_offline.MNIST_TRAIN)
    assert check["seed_model_is_mlp"]
    assert {"Conv2D", "MaxPooling2D"} <= set(check["cnn_has_conv_and_pooling"])
    assert check["cnn_epochs"] == 5
    assert check["mlp"] >= 0.85
    assert check["cnn"] >= check["mlp"]
    assert 0 < check["misclassified"] < 1000
    images = [o for c in notebook.cells for o in _outputs(c) if "image/png" in o.get("data", {})]
    assert len(images) == 3, "sample digits, training curves and misclassified digits"
    log = "".join(o.text for c in notebook.cells for o in _outputs(c, "stream") if o.name == "stdout")
    assert "\b" not in log and "\r" not in log, "progress bars must be collapsed to their last state"
    after_seed = _after_seed_code(notebook, "mnist")
    for number, cell in enumerate(notebook.cells[after_seed:], after_seed + 1):  # e.g. a glyph missing from the figures' font
        stderr = [o.text for o in _outputs(cell, "stream") if o.name == "stderr"]
        assert not stderr, f"mnist.ipynb cell {number} printed to stderr: {stderr}"


def test_gpt2_runs_offline_and_generates_the_requested_lengths(executed):
    notebook, check, seconds = executed["gpt2"]
    print(f"gpt2: {seconds:.0f} s")
    assert check["from_pretrained_calls"] == [["tokenizer", "gpt2"], ["model", "gpt2"]]
    assert check["seed_length"] == 50  # max_length counts the prompt
    assert check["greedy_new"] == 40
    assert check["sampled_shape"][0] == 3 and check["sampled_new"] == 40
    assert check["zh_new"] == 30
    # The site's cells pass attention_mask and pad_token_id: nothing on stderr after the seed's cell.
    after_seed = _after_seed_code(notebook, "gpt2")
    for number, cell in enumerate(notebook.cells[after_seed:], after_seed + 1):
        stderr = [o.text for o in _outputs(cell, "stream") if o.name == "stderr"]
        assert not stderr, f"gpt2.ipynb cell {number} printed to stderr: {stderr}"


def _assert_chinese_clip_keeps_its_promises(notebook, check) -> None:
    """What a reader relies on, whatever the model: each image's probabilities sum to 1, retrieval
    returns the requested number of distinct images, every figure renders, nothing on stderr."""
    calls = check["from_pretrained_calls"]
    assert [kind for kind, _, _ in calls] == ["model", "processor"], calls
    pinned = _downloads(nbformat.read(ROOT / "notebooks" / "chinese-clip.ipynb", as_version=4))
    assert {f"huggingface {name}@{revision}" for _, name, revision in calls} == pinned, (
        "both load the one pinned model revision")
    images = len(check["names"])
    assert images == 9 and check["probs_shape"] == [images, images], "nine images, one label each"
    for sums in (check["row_sums"], check["bare_row_sums"], *check["check_row_sums"].values()):
        assert sums and all(abs(total - 1) < 1e-4 for total in sums), sums
    assert all(abs(norm - 1) < 1e-4 for norm in check["image_embed_norms"]), "unit vectors: dot product = cosine"
    assert list(check["retrieved"]) == check["queries"] and check["top_k"] >= 1
    for query, found in check["retrieved"].items():
        assert len(found) == check["top_k"] == len(set(found)), (query, found)
        assert set(found) <= set(check["names"])
    figures = [c for c in notebook.cells if c.cell_type == "code" and "plt.show()" in c.source]
    assert figures, "the notebook shows its images"
    for cell in figures:
        assert any(set(o.get("data", {})) & {"image/png", "image/jpeg"} for o in _outputs(cell)), (
            f"a figure did not render: {cell.source[:60]!r}")
    for number, cell in enumerate(notebook.cells, 1):  # e.g. a glyph missing from the figures' font
        stderr = [o.text for o in _outputs(cell, "stream") if o.name == "stderr"]
        assert not stderr, f"chinese-clip.ipynb cell {number} printed to stderr: {stderr}"
        errors = _outputs(cell, "error")
        assert not errors, f"chinese-clip.ipynb cell {number} raised {errors[0].ename}"


def test_chinese_clip_runs_offline_and_keeps_its_promises(executed):
    notebook, check, seconds = executed["chinese-clip"]
    print(f"chinese-clip: {seconds:.0f} s")
    _assert_chinese_clip_keeps_its_promises(notebook, check)


def test_chinese_clip_runs_with_another_stand_in(tmp_path):
    """Any tiny ChineseCLIP model and processor from the two from_pretrained calls must do:
    other sizes, another image size, a vocabulary that turns most characters into [UNK]."""
    setup = notebook_offline.chinese_clip_setup(chars="一张的照片", image_size=48, patch_size=16, hidden=24,
                                                layers=1, heads=3, projection_dim=8, seed=1)
    notebook, report = notebook_offline._executor().execute(
        ROOT / "notebooks" / "chinese-clip.ipynb", tmp_path / "chinese-clip.ipynb",
        setup=setup, check=notebook_offline.CHECK["chinese-clip"])
    check = json.loads(next(l for l in report.splitlines() if l.startswith("CHECK ")).removeprefix("CHECK "))
    _assert_chinese_clip_keeps_its_promises(notebook, check)


def test_executed_copies_keep_exactly_the_committed_cells(executed):
    for name in NOTEBOOKS:
        committed = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        copy = nbformat.read(executed["dir"] / f"{name}.ipynb", as_version=4)
        assert [c.source for c in copy.cells] == [c.source for c in committed.cells]
        counts = [c.execution_count for c in copy.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), "numbered as if run top to bottom"


# --- the site built from the executed copies ------------------------------------------------


def test_executed_pages_show_text_and_image_outputs(executed_site):
    mnist = _soup(_page(executed_site, "mnist"))
    outputs = mnist.select("article .jp-OutputArea-output")
    text = " ".join(o.get_text() for o in outputs)
    assert "Epoch 5/5" in text and "测试准确率" in text
    assert len(mnist.select("article .jp-OutputArea-output img")) == 3
    gpt2 = _soup(_page(executed_site, "gpt2"))
    gpt2_text = " ".join(o.get_text() for o in gpt2.select("article .jp-OutputArea-output"))
    assert "The quick brown fox jumps over the lazy dog" in gpt2_text
    assert "--- 样本 3 ---" in gpt2_text
    clip = _soup(_page(executed_site, "chinese-clip"))
    clip_text = " ".join(o.get_text() for o in clip.select("article .jp-OutputArea-output"))
    assert "9. immunohistochemistry" in clip_text and "logit_scale.exp()" in clip_text
    assert clip.select("article .jp-OutputArea-output img"), "the images' figure is on the page"
    for soup in (mnist, gpt2, clip):
        assert not soup.select(".notebook-unexecuted"), "executed pages must not say outputs are missing"


def test_output_images_are_lazy_files_with_size_and_alt(executed_site, executed):
    """Inline base64 images do not compress and load before the reader scrolls to them."""
    for name in NOTEBOOKS:
        page = _page(executed_site, name)
        assert "data:image" not in page.read_text(encoding="utf-8"), f"code/{name}/ still inlines an image"
        committed = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        figures = [o for c in executed[name][0].cells for o in _outputs(c)
                   if {"image/png", "image/jpeg"} & set(o.get("data", {}))]
        images = _soup(page).select("article img")
        assert len(images) == len(figures), f"code/{name}/: {len(images)} images for {len(figures)} figures"
        alts = {a for c in committed.cells for a in [c.metadata.get("site", {}).get("alt")] if a}
        for image in images:
            src = image["src"]
            assert re.fullmatch(r"[0-9a-f]{16}\.(webp|png|jpg)", src), src
            file = page.parent / src
            assert file.is_file(), f"code/{name}/{src} was not written"
            from PIL import Image

            with Image.open(file) as decoded:  # the file is what its name says, at the size the page says
                assert decoded.format == {"webp": "WEBP", "png": "PNG", "jpg": "JPEG"}[src.rsplit(".", 1)[1]]
                assert decoded.size == (int(image["width"]), int(image["height"]))
            assert image.get("loading") == "lazy" and image.get("decoding") == "async"
            assert int(image["width"]) > 0 and int(image["height"]) > 0
            assert image["alt"] in alts, f"code/{name}/{src}: alt {image['alt']!r} is not the cell's caption"


def test_an_unexecuted_build_writes_no_image_files(site):
    for name in NOTEBOOKS:
        assert not [p.name for p in _page(site, name).parent.iterdir() if p.suffix in {".webp", ".png", ".jpg"}]


def test_a_figure_without_a_caption_stops_the_build(tmp_path, executed):
    """Every figure needs alt text, written in its code cell's metadata (site.alt)."""
    project = copy_project(tmp_path / "project")
    copies = tmp_path / "executed"
    copies.mkdir()
    for name in NOTEBOOKS:
        notebook = nbformat.read(executed["dir"] / f"{name}.ipynb", as_version=4)
        if name == "mnist":
            for cell in notebook.cells:
                cell.metadata.pop("site", None)
            committed = project / "notebooks" / "mnist.ipynb"
            source = nbformat.read(committed, as_version=4)
            for cell in source.cells:
                cell.metadata.pop("site", None)
            nbformat.write(source, committed)
        nbformat.write(notebook, copies / f"{name}.ipynb")
    result = mkdocs_build(project, tmp_path / "site", env={"NOTEBOOKS_DIR": str(copies)})
    assert result.returncode != 0
    assert re.search(r"code/mnist\.ipynb: cell \d+ draws 1 figure\(s\); describe each", result.log), result.log[-2000:]


def test_unexecuted_pages_mark_where_outputs_would_be(site, executed):
    """Without outputs, the page says so in a reader's words and marks each place an output would be:
    exactly the code cells that show something when run (checked against the executed copies)."""
    for name in NOTEBOOKS:
        soup = _soup(_page(site, name))
        assert not soup.select("article .jp-OutputArea-output")
        notes = soup.select("article .notebook-unexecuted")
        assert len(notes) == 1 and "运行结果" in notes[0].get_text()
        assert "make" not in notes[0].get_text() and "构建" not in notes[0].get_text(), "a reader's words"
        placeholders = soup.select("article .notebook-output-placeholder")
        code_cells = [c for c in executed[name][0].cells if c.cell_type == "code"]
        assert len(placeholders) == sum(bool(c.outputs) for c in code_cells), (
            f"code/{name}/: {len(placeholders)} placeholders, {sum(bool(c.outputs) for c in code_cells)} cells with output")
        for placeholder in placeholders:
            code = placeholder.find_previous("code").get_text()
            cell = next(c for c in code_cells if c.source.strip() == code.strip())
            assert cell.outputs, f"code/{name}/: a placeholder under a cell without output: {code[:60]!r}"


def test_the_output_guess_tells_silent_cells_from_talking_ones():
    """The placeholders' rule (hooks/notebooks.py cells_with_output) on cells the notebooks lack."""
    sys.path.insert(0, str(ROOT / "hooks"))
    try:
        spec = importlib.util.spec_from_file_location("site_notebooks", ROOT / "hooks" / "notebooks.py")
        hook = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(hook)
    finally:
        sys.path.remove(str(ROOT / "hooks"))
    cells = ["import os\nx = 1", "def report(v):\n    print(v)", "for v in range(3):\n    report(v)",
             "history = model.fit(x, y, verbose=0)", "history = model.fit(x, y, verbose=2)", "model",
             "def quiet():\n    return 1", "quiet_value = quiet()"]
    assert hook.cells_with_output(cells) == [False, False, True, False, True, True, False, False]


def test_outputs_stay_out_of_the_search_index(site, executed_site):
    def index(root: Path) -> tuple[int, dict]:
        path = root / "search" / "search_index.json"
        docs = json.loads(path.read_text(encoding="utf-8"))["docs"]
        return path.stat().st_size, {d["location"]: d for d in docs if d["location"].startswith("code/")}

    plain_size, plain = index(site)
    executed_size, executed_docs = index(executed_site)
    print(f"search index: {plain_size} bytes without outputs, {executed_size} with")
    text = json.dumps(executed_docs, ensure_ascii=False)
    assert "Epoch 1/5" not in text and "样本 1 ---" not in text and "data:image" not in text
    assert executed_docs == plain, "the notebook pages index the same text with or without outputs"


# --- page structure -------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["plain", "executed"])
def test_every_heading_has_an_ascii_id_and_every_toc_link_resolves(which, request):
    root = request.getfixturevalue("site" if which == "plain" else "executed_site")
    for name in NOTEBOOKS:
        soup = _soup(_page(root, name))
        article = soup.select_one("article")
        headings = article.select("h1, h2, h3, h4, h5, h6")
        ids = [h.get("id", "") for h in headings]
        assert len(headings) > 5
        for heading, heading_id in zip(headings, ids):
            assert ID.match(heading_id), f"code/{name}/: heading {heading.get_text()!r} has id {heading_id!r}"
            assert heading.select_one(f'a.headerlink[href="#{heading_id}"]')
        assert ids[0] == name and len(set(ids)) == len(ids)
        # Material renders the TOC twice (sidebar, and inside the mobile drawer).
        toc = sorted({a["href"] for a in soup.select("nav.md-nav--secondary a.md-nav__link")})
        assert toc, f"code/{name}/ has no table of contents"
        all_ids = {tag["id"] for tag in soup.select("[id]")}
        for href in toc:
            assert href.startswith("#") and href[1:] in all_ids, f"code/{name}/: TOC link {href} resolves nowhere"
        assert [h[1:] for h in toc] == sorted(ids[1:]), "the TOC lists every heading below the title"


def test_pages_offer_the_download_and_colab(site):
    from conftest import DEPLOY_ENV

    owner_repo = DEPLOY_ENV["REPO_URL"].removeprefix("https://github.com/")
    downloads = hooks_content().load_downloads(ROOT)
    for name in NOTEBOOKS:
        soup = _soup(_page(site, name))
        box = soup.select_one("article .notebook-links")
        download = box.select_one(f'a[href="{name}.ipynb"][download]')
        assert download is not None
        served = nbformat.read(site / "code" / name / f"{name}.ipynb", as_version=4)
        committed = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        assert served == committed
        colab = f"https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{name}.ipynb"
        assert box.select_one(f'a[href="{colab}"]') is not None
        text = box.get_text()
        assert "中国大陆" in text and "Colab" in text and "本站补充" in text
        assert "不受网络限制" not in text
        for item in (d for d in downloads if d.notebook == name):  # what the first run downloads
            assert item.name in text and item.size in text, f"code/{name}/: the box does not name {item.what}"
        if any(d.kind == "huggingface" and d.notebook == name for d in downloads):
            assert "HF_ENDPOINT" in text and "~/.cache/huggingface" in text
        description = soup.select_one('meta[name="description"]')["content"]
        assert description == committed.metadata["site"]["description"]


def test_pages_load_nothing_from_other_hosts_in_markup(site):
    for name in NOTEBOOKS:
        page = _page(site, name)
        soup = _soup(page)
        for tag in soup.select("script[src], link[href], img[src], iframe[src]"):
            url = tag.get("src") or tag.get("href")
            if tag.name == "link" and not {"stylesheet", "preload", "modulepreload", "icon"} & set(tag.get("rel", [])):
                continue  # canonical, prev/next are links, not requests
            assert not re.match(r"^(https?:)?//", url), f"code/{name}/ loads {url}"
        for style in soup.select("style"):
            assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", style.get_text())
        assert "jp-RenderedHTMLCommon" in page.read_text(encoding="utf-8")
        assert len(page.read_bytes()) < 200_000, "mkdocs-jupyter's inlined Jupyter CSS is back"


@pytest.mark.parametrize("form", ["plain", "executed"])
def test_pages_stay_within_budget_and_on_this_host_in_chromium(form, request, browser):
    """What a reader's browser fetches on load, in the form without outputs and as deployed."""
    root = request.getfixturevalue("site" if form == "plain" else "executed_site")
    base_url, stop = serve(root)
    try:
        for name in NOTEBOOKS:
            page = browser.new_page(viewport={"width": 412, "height": 823})
            requests = []
            page.on("requestfinished", lambda request: requests.append(request))
            page.goto(f"{base_url}code/{name}/", wait_until="networkidle")
            page.wait_for_timeout(500)
            foreign = [r.url for r in requests if not r.url.startswith((base_url, "data:"))]
            assert not foreign, f"code/{name}/ requested {foreign}"
            on_load = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in (r.sizes() for r in requests))
            loaded = len(requests)
            page.evaluate("""async () => {  // read to the end: every lazy image comes in
                for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight / 2) {
                    window.scrollTo(0, y);
                    await new Promise(resolve => setTimeout(resolve, 50));
                }
            }""")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            everything = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in (r.sizes() for r in requests))
            html_size = len(gzip.compress(_page(root, name).read_bytes(), 6))
            print(f"code/{name}/ ({form}): {on_load} bytes on load ({loaded} requests), {everything} after "
                  f"reading to the end ({len(requests)}), HTML {html_size} gzipped")
            assert on_load <= PAGE_BUDGET
            page.close()
    finally:
        stop()


def _rgba(css: str) -> tuple[float, float, float, float]:
    """A computed colour, rgb()/rgba() or color(srgb ...), as 0..1 channels and alpha."""
    numbers = [float(v) for v in re.findall(r"[\d.]+", css)]
    if css.startswith("rgb"):
        r, g, b, a = [*(v / 255 for v in numbers[:3]), *(numbers[3:4] or [1.0])]
    elif css.startswith("color(srgb"):
        r, g, b, a = [*numbers[:3], *(numbers[3:4] or [1.0])]
    else:
        raise AssertionError(f"cannot read colour {css}")
    return r, g, b, a


def _contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio; a translucent foreground is blended over the background first."""
    *back, _ = _rgba(background)
    *fore, alpha = _rgba(foreground)
    fore = [alpha * f + (1 - alpha) * b for f, b in zip(fore, back)]

    def luminance(rgb) -> float:
        channel = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2]

    light, dark = sorted((luminance(fore), luminance(back)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("preference, scheme", [("light", "default"), ("dark", "slate")])
def test_outputs_are_readable_in_both_color_schemes(executed_site, browser, preference, scheme):
    base_url, stop = serve(executed_site)
    try:
        page = browser.new_page(color_scheme=preference)  # the palette follows the system by default
        page.goto(f"{base_url}code/mnist/", wait_until="networkidle")
        assert page.evaluate("document.body.dataset.mdColorScheme") == scheme
        colors = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output pre')].map(pre => {
            const style = getComputedStyle(pre);
            return [style.color, style.backgroundColor];
        })""")
        assert colors
        for foreground, background in colors:
            assert "0, 0, 0, 0" not in background, "outputs need their own background"
            assert _contrast(foreground, background) >= 4.5, (scheme, foreground, background)
        images = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output img')]
            .map(img => getComputedStyle(img).backgroundColor)""")
        assert images and all(color == "rgb(255, 255, 255)" for color in images), "figures sit on white"
        page.close()
    finally:
        stop()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_executed_pages_are_comfortable_on_a_375px_phone(executed_site, browser, scheme):
    """As deployed: wide outputs (Keras' model summary) scroll inside their own box, never the page."""
    from test_site import phone_problems

    base_url, stop = serve(executed_site)
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True,
                                  color_scheme=scheme)
    page = context.new_page()
    problems, scrolling = [], 0
    try:
        for name in NOTEBOOKS:
            page.goto(f"{base_url}code/{name}/", wait_until="networkidle")
            problems += phone_problems(page, f"code/{name}/")
            scrolling += page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output pre')]
                .filter(pre => pre.scrollWidth > pre.clientWidth && getComputedStyle(pre).overflowX === 'auto').length""")
    finally:
        context.close()
        stop()
    assert not problems, "\n".join(problems)
    assert scrolling >= 1, "the model summary is wider than a phone: it must scroll inside its box"


# --- the hook refuses broken input ----------------------------------------------------------


def test_build_fails_on_a_heading_without_an_id(tmp_path):
    project = copy_project(tmp_path / "project")
    path = project / "notebooks" / "gpt2.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("### 没有编号的标题"))
    nbformat.write(notebook, path)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "没有编号的标题" in result.log and "has no id" in result.log


def test_build_fails_on_a_stale_executed_copy(tmp_path, executed):
    stale = tmp_path / "executed"
    stale.mkdir()
    for name in NOTEBOOKS:
        notebook = nbformat.read(executed["dir"] / f"{name}.ipynb", as_version=4)
        if name == "mnist":
            notebook.cells[-1].source += "\n# edited after execution"
        nbformat.write(notebook, stale / f"{name}.ipynb")
    result = mkdocs_build(ROOT, tmp_path / "site", env={"NOTEBOOKS_DIR": str(stale)})
    assert result.returncode != 0
    assert "mnist.ipynb is stale" in result.log


# --- running the notebooks elsewhere: the 运行环境 box and the Colab cell ------------------------


def _hooks_notebooks():
    sys.path.insert(0, str(ROOT / "hooks"))
    try:
        spec = importlib.util.spec_from_file_location("site_notebooks", ROOT / "hooks" / "notebooks.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "hooks"))


def _colab_cells(notebook) -> list:
    return [c for c in notebook.cells if c.metadata.get("site", {}).get("colab_setup")]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_notebook_opens_with_the_colab_cell_generated_from_the_pins(name):
    """The first code cell installs the pinned versions on Colab; it is what hooks/notebooks.py
    derives from notebooks/requirements.txt and the notebook's imports (kept in step)."""
    hooks = _hooks_notebooks()
    notebook = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert _colab_cells(notebook) == code[:1], f"{name}.ipynb: the Colab cell must be the first code cell, once"
    _, pins = hooks.requirements(ROOT)
    assert code[0].source == hooks.colab_setup_source(json.loads(nbformat.writes(notebook)), pins), (
        f"{name}.ipynb: the Colab cell is out of step with notebooks/requirements.txt; regenerate it")
    if name == "chinese-clip":
        assert f'"transformers=={pins["transformers"]}"' in code[0].source  # get_image_features needs 5.x


@pytest.mark.parametrize("on_colab", [False, True])
def test_the_colab_cell_installs_only_on_colab(on_colab, monkeypatch):
    """Run the cell's code as written: outside Colab it calls nothing; on Colab (google.colab
    imported, as Colab's kernel does) it runs pip with the pinned versions."""
    import subprocess
    import types

    notebook = nbformat.read(ROOT / "notebooks" / "chinese-clip.ipynb", as_version=4)
    source = _colab_cells(notebook)[0].source
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "colab-cell", "exec"), {})
    if not on_colab:
        assert calls == []
        return
    (command,), kwargs = calls[0]
    assert command[:5] == [sys.executable, "-m", "pip", "install", "-q"] and kwargs == {"check": True}
    assert "transformers==5.24.0" in command and not any(p.startswith("torch") for p in command)


def test_the_colab_cell_is_not_on_the_page(site):
    for name in NOTEBOOKS:
        text = _soup(_page(site, name)).select_one("article").get_text()
        assert "google.colab" not in text, f"code/{name}/ shows the Colab cell"


def test_each_code_page_says_what_running_it_needs(site):
    """The 运行环境 box: the Python version and the pinned packages the notebook imports
    (notebooks/requirements.txt), CPU, and what its first run downloads (downloads.txt)."""
    hooks = _hooks_notebooks()
    python, pins = hooks.requirements(ROOT)
    downloads = hooks_content().load_downloads(ROOT)
    expected = {"mnist": {"tensorflow-cpu", "numpy", "matplotlib"}, "gpt2": {"torch", "transformers"},
                "chinese-clip": {"torch", "transformers", "matplotlib", "scikit-image"}}
    for name in NOTEBOOKS:
        box = _soup(_page(site, name)).select_one(".notebook-links .notebook-environment")
        assert box is not None, f"code/{name}/ has no 运行环境 box"
        text = box.get_text()
        assert f"Python {python}" in text and "CPU" in text
        shown = set(re.findall(r"([a-z][a-z0-9-]*)==", text))
        assert shown == expected[name], f"code/{name}/: {shown}"
        assert all(f"{p}=={pins[p]}" in text for p in shown)
        for download in (d for d in downloads if d.notebook == name):
            assert download.name in text and download.size in text
        if not any(d.notebook == name for d in downloads):
            assert "不需要下载" in text


def test_the_chinese_clip_notebook_settles_conversion_and_image_processor():
    """It sets DISABLE_SAFETENSORS_CONVERSION itself (a downloaded copy runs without execute.py's
    environment) before loading, and asks for the PIL image processor (no torchvision warning)."""
    notebook = nbformat.read(ROOT / "notebooks" / "chinese-clip.ipynb", as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    switch = code.find('os.environ["DISABLE_SAFETENSORS_CONVERSION"] = "1"')
    assert 0 <= switch < code.find("from_pretrained("), "the conversion switch must come before loading"
    assert re.search(r'ChineseCLIPProcessor\.from_pretrained\([^)]*backend="pil"', code)


def test_the_chinese_clip_run_prints_no_warning(executed):
    notebook, _, _ = executed["chinese-clip"]
    stderr = "".join(o.text for c in notebook.cells for o in _outputs(c, "stream") if o.name == "stderr")
    assert "torchvision" not in stderr and "safetensors" not in stderr.lower(), stderr
