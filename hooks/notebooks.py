"""MkDocs hook: the notebooks in notebooks/ become the pages code/<name>/, rendered by mkdocs-jupyter.

- on_files: notebooks/<name>.ipynb joins the build as code/<name>.ipynb (nothing is copied into
  docs/: a per-build temporary folder stages it, because mkdocs-jupyter's file wrapper loses the
  path of a generated file). With NOTEBOOKS_DIR set (`make notebooks` writes executed copies to
  .cache/notebooks), the executed copy is used instead; it must have the same cells as the
  committed notebook and no error output.
- on_page_content: mkdocs-jupyter's HTML is trimmed to what Material needs. Its inlined Jupyter CSS
  (~575 KB) and its scripts (MathJax, Mermaid and clipboard, some loaded from CDNs) are dropped;
  docs/stylesheets/notebooks.css styles the cells with the theme's colours instead (on_post_page
  links it from these pages only, sparing every other page the request). Code cells
  become Material code blocks (highlighting in both colour schemes, copy button). Headings get the
  ids written in the notebook (`## 标题 <a id="ascii-id"></a>`; the title's id is the notebook's
  name) and the table of contents is rebuilt from them, so every TOC link resolves. Outputs are
  kept out of the search index, the 本站补充 part is boxed, and a box under the title links the
  .ipynb download and Colab, and says when the outputs are missing.
- Output images (executed copies) leave the HTML: inline base64 does not compress and is downloaded
  before the reader scrolls to it. Each becomes a file next to the page, named by its content hash
  (unchanged images stay cached), as WebP where that is smaller: lossless for PNG plots (2.5-3.5x
  smaller), quality 80 for JPEG photographs (about 0.7x). Each gets width, height, lazy loading and
  the alt text written in the code cell's metadata (`"site": {"alt": "..."}`; a list for a cell
  with several figures).
"""

from __future__ import annotations

import ast
import base64
import hashlib
import html
import io
import json
import os
import posixpath
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

import content as site_content  # hooks/content.py; `content` names page HTML here

STYLESHEET = "stylesheets/notebooks.css"  # in docs/
SECTION = "code"  # notebooks/<name>.ipynb -> code/<name>.ipynb -> URL code/<name>/
SOURCE_DIR = "notebooks"  # next to mkdocs.yml; the notebooks as committed, without outputs
EXECUTED_DIR_ENV = "NOTEBOOKS_DIR"  # optional: a folder of executed copies to build from
BRANCH = "main"  # the branch the Colab links open
ADDITION_HEADING = "本站补充"  # the notebook heading that starts the site's own part

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STYLE = re.compile(r"<style\b[^>]*>.*?</style>\s*", re.S | re.I)
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>\s*", re.S | re.I)
COPY_BUTTON = re.compile(r'<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>\s*', re.S)
COLLAPSER = re.compile(r'<div class="jp-Collapser[^"]*">\s*</div>\s*')
COPY_TEXT = re.compile(r'<div class="clipboard-copy-txt"[^>]*>.*?</div>\s*', re.S)
CODE = re.compile(r'<div class="jp-CodeMirrorEditor[^>]*>\s*<div class="CodeMirror[^>]*>\s*'
                  r'<div class="highlight-ipynb hl-(\w+)\s*"><pre>(?:<span></span>)?(.*?)</pre></div>\s*'
                  r'</div>\s*</div>', re.S)
CELL_ID = re.compile(r' id="cell-id=[^"]*"')
HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)
ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
EXPLICIT_ID = re.compile(r'\s*<a\s+id="([^"]*)"\s*>\s*</a>\s*')
TAGS = re.compile(r"<[^>]+>")
CELL_START = '<div class="jp-Cell '
NOTEBOOK_START = '<div class="jupyter-wrapper">'
NOTEBOOK_END = "</div> <!-- jp-Notebook -->"
# A code cell's wrapper (mkdocs-jupyter writes it twice, nested) and the end of its code block.
CODE_CELL = re.compile(r'<div class="jp-Cell jp-CodeCell[^"]*">(?:\s*<div class="jp-Cell jp-CodeCell[^"]*">)?')
CODE_END = "</code></pre></div>"
OUTPUT_PLACEHOLDER = ('\n<p class="notebook-output-placeholder" data-search-exclude>'
                      "运行后在此显示输出</p>\n")
IMAGE = re.compile(r'<img\b[^>]*?\ssrc="data:(image/(?:png|jpeg|svg\+xml));base64,([^"]+)"[^>]*>')
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")  # in the order Jupyter front-ends prefer
PHOTO_QUALITY = 80  # WebP quality for JPEG outputs
# Each output (text, HTML or image) is one such div; none of ours nests another div. The attribute
# has to sit this deep: Material's search parser stops skipping at the first nested </div>.
OUTPUT = re.compile(r'(<div class="[^"]*\bjp-OutputArea-output\b[^"]*")')

_state: dict = {}


def _source_dir(config) -> Path:
    return Path(config.config_file_path).parent / SOURCE_DIR


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PluginError(f"{path}: cannot read notebook: {error}") from None


def _sources(notebook: dict) -> list[tuple[str, str]]:
    return [(c["cell_type"], "".join(c["source"])) for c in notebook.get("cells", [])]


def has_outputs(notebook: dict) -> bool:
    return any(c.get("outputs") for c in notebook.get("cells", []) if c["cell_type"] == "code")


def _check_executed(source: Path, executed: Path) -> None:
    """An executed copy must match the committed notebook cell for cell and hold no error."""
    if not executed.is_file():
        raise PluginError(f"{EXECUTED_DIR_ENV}: {executed} is missing; run `make notebooks`")
    copy = _read(executed)
    if _sources(copy) != _sources(_read(source)):
        raise PluginError(f"{executed} is stale: its cells differ from {source}; run `make notebooks`")
    for number, cell in enumerate(copy["cells"], 1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise PluginError(f"{executed}: cell {number} raised {output.get('ename')}")


@event_priority(100)  # before mkdocs-jupyter wraps notebook files and before pages.py reads titles
def on_files(files: Files, config, **kwargs):
    source_dir = _source_dir(config)
    executed_dir = os.environ.get(EXECUTED_DIR_ENV)
    _cleanup()
    stage = Path(tempfile.mkdtemp(prefix="mkdocs-notebooks-"))
    _state["stage"] = stage
    (stage / SECTION).mkdir()
    for source in sorted(source_dir.glob("*.ipynb")):
        path = source
        if executed_dir:
            path = Path(executed_dir).resolve() / source.name
            _check_executed(source, path)
        src_uri = f"{SECTION}/{source.name}"
        if files.get_file_from_path(src_uri):
            raise PluginError(f"docs/{src_uri} duplicates {SOURCE_DIR}/{source.name}; keep only the latter")
        staged = _read(path)
        # The Colab cell (metadata site.colab_setup) is for Colab: the page describes it in its
        # 运行环境 box instead of showing it above the article's code.
        staged["cells"] = [c for c in staged.get("cells", []) if not is_colab_setup(c)]
        (stage / src_uri).write_text(json.dumps(staged, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        files.append(File(src_uri, str(stage), config.site_dir, config.use_directory_urls))
        _state[src_uri] = {"name": source.stem, "executed": has_outputs(_read(path)), "path": path}
    return files


COUNT_MARKER = "<!-- count:notebooks -->"  # in any page or its description: the number of notebooks


def on_page_markdown(markdown: str, page: Page, **kwargs) -> str:
    """Counts come from the data: COUNT_MARKER becomes the number of notebooks the build found."""
    count = str(sum(1 for key in _state if key.startswith(f"{SECTION}/")))
    description = page.meta.get("description")
    if isinstance(description, str) and COUNT_MARKER in description:
        page.meta["description"] = description.replace(COUNT_MARKER, count)
    return markdown.replace(COUNT_MARKER, count)


def is_colab_setup(cell: dict) -> bool:
    return bool(cell.get("metadata", {}).get("site", {}).get("colab_setup"))


REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
PYTHON_LINE = re.compile(r"^# python: (\S+)", re.M)
# Import name -> requirement name, where they differ.
IMPORT_NAMES = {"tensorflow": "tensorflow-cpu", "skimage": "scikit-image"}
# Kept as Colab has them: its own GPU builds of the frameworks, and numpy, which its kernel has
# loaded already (replacing it would need a restart).
COLAB_KEEPS = {"torch", "tensorflow-cpu", "numpy"}


def requirements(root: Path) -> tuple[str, dict[str, str]]:
    """notebooks/requirements.txt: (the Python version, {package: pinned version})."""
    text = (root / SOURCE_DIR / "requirements.txt").read_text(encoding="utf-8")
    python = PYTHON_LINE.search(text)
    if not python:
        raise PluginError(f"{SOURCE_DIR}/requirements.txt: no '# python: <version>' line")
    pins = {m.group(1).lower(): m.group(2) for m in map(REQUIREMENT.match, text.splitlines()) if m}
    return python.group(1), pins


def imported_packages(notebook: dict, pins: dict[str, str]) -> list[str]:
    """The pinned packages a notebook's code imports, in the order of requirements.txt."""
    found = set()
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code" or is_colab_setup(cell):
            continue
        try:
            tree = ast.parse("".join(cell.get("source", "")))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                found.add(IMPORT_NAMES.get(top, top).lower())
    return [name for name in pins if name in found]


def colab_setup_source(notebook: dict, pins: dict[str, str]) -> str:
    """The first code cell of each notebook: on Colab, install the versions the site tested."""
    packages = [f"{name}=={pins[name]}" for name in imported_packages(notebook, pins) if name not in COLAB_KEEPS]
    listed = ", ".join(f'"{p}"' for p in packages)
    return ("# 只在 Colab 上运行：安装本页测试过的版本（notebooks/requirements.txt）。在本地的 Jupyter 或 VS Code 里，\n"
            "# 这个单元什么也不做（请按页面上的“运行环境”自己安装）。Colab 自带的 torch、TensorFlow 和 numpy 保持不变。\n"
            "import sys\n"
            "\n"
            'if "google.colab" in sys.modules:\n'
            "    import subprocess\n"
            "\n"
            f'    subprocess.run([sys.executable, "-m", "pip", "install", "-q", {listed}], check=True)')


def environment_box(name: str, notebook: dict, root: Path, downloads) -> list[str]:
    """运行环境: what running the notebook needs, from requirements.txt and downloads.txt."""
    python, pins = requirements(root)
    packages = "、".join(f"<code>{p}=={pins[p]}</code>" for p in imported_packages(notebook, pins))
    mine = [d for d in downloads if d.notebook == name]
    fetched = ("、".join(f"<code>{html.escape(d.name)}</code>（约 {d.size}）" for d in mine)
               if mine else "不需要下载")
    return [
        '<p class="notebook-environment-title"><strong>运行环境</strong></p>',
        '<ul class="notebook-environment">',
        f"<li>Python {python}，CPU 即可，不需要 GPU</li>",
        f"<li>本页测试过的版本：{packages}（全部见仓库的 <code>notebooks/requirements.txt</code>）</li>",
        f"<li>第一次运行下载：{fetched}</li>",
        "<li>在 Colab 中打开时，第一个单元会先安装这些版本（Colab 自带的 torch、TensorFlow 和 numpy 不变）；"
        "在别处运行，它什么也不做</li>",
        "</ul>",
    ]


def _cleanup() -> None:
    stage = _state.pop("stage", None)
    if stage:
        shutil.rmtree(stage, ignore_errors=True)
    _state.clear()


def on_post_page(output: str, page: Page, config, **kwargs):
    if page.file.src_uri not in _state:
        return output
    href = get_relative_url(STYLESHEET, page.url)
    return output.replace("</head>", f'<link rel="stylesheet" href="{href}">\n</head>', 1)


def on_post_build(config, **kwargs):
    # The download is the notebook itself, Colab cell included (the page left that cell out).
    for src_uri, info in list(_state.items()):
        if src_uri.startswith(f"{SECTION}/") and isinstance(info, dict):
            served = Path(config.site_dir) / SECTION / info["name"] / f"{info['name']}.ipynb"
            if served.is_file():
                shutil.copyfile(info["path"], served)
    _cleanup()


def colab_url(repo_url: str | None, name: str) -> str | None:
    """Colab opens notebooks from GitHub; without a known GitHub repository there is no link."""
    parsed = urlparse(repo_url or "")
    parts = parsed.path.strip("/").removesuffix(".git").split("/")
    if parsed.netloc != "github.com" or len(parts) != 2 or not all(parts):
        return None
    return (f"https://colab.research.google.com/github/{parts[0]}/{parts[1]}"
            f"/blob/{BRANCH}/{SOURCE_DIR}/{name}.ipynb")


# What a reader needs to know about each kind of download (hooks/content.py, notebooks/downloads.txt).
DOWNLOAD_NOTES = {
    "keras-dataset": ("数据集 <code>{what}</code>（约 {size}，来自 <code>storage.googleapis.com</code>）",
                      "可以事先把数据文件（如 <code>{what}.npz</code>）放进 <code>~/.keras/datasets/</code>"),
    "huggingface": ("模型 <code>{what}</code>（约 {size}，来自 <code>huggingface.co</code>）",
                    "可以设置环境变量 <code>HF_ENDPOINT</code> 改用 Hugging Face 镜像站，或事先把模型文件放进本地缓存"
                    " <code>~/.cache/huggingface/</code>"),
}


def links_box(name: str, repo_url: str | None, executed: bool, downloads,
              environment: list[str] | None = None) -> str:
    colab = colab_url(repo_url, name)
    links = f'<a href="{name}.ipynb" download>下载 {name}.ipynb</a>'
    if colab:
        links += f' · <a href="{html.escape(colab)}">在 Colab 中打开</a>'
    lines = [
        '<div class="site-addition notebook-links" data-search-exclude>',
        '<p class="site-addition__label">本站补充</p>',
        f"<p>本页由 Notebook 生成：{links}</p>",
    ]
    mine = [d for d in downloads if d.notebook == name]
    local = "下载的 .ipynb 可以用 Jupyter 或 VS Code 在本地运行"
    if mine:
        what = "、".join(DOWNLOAD_NOTES[d.kind][0].format(what=d.name, size=d.size) for d in mine)
        fixes = "；".join(dict.fromkeys(DOWNLOAD_NOTES[d.kind][1].format(what=d.name) for d in mine))
        local += f"，但第一次运行要下载{what}，在中国大陆常常下载不了：{fixes}。"
    else:
        local += "，运行时不需要下载任何文件。"
    lines.append(f"<p>{'在中国大陆可能无法访问 Colab。' if colab else ''}{local}</p>")
    lines += environment or []
    if not executed:
        lines.append('<p class="notebook-unexecuted">这一版页面没有附带运行结果：标有“运行后在此显示输出”的地方，'
                     "在正式发布的网站上会显示输出和图表；下载 Notebook 自己运行也能看到。</p>")
    lines.append("</div>")
    return "\n".join(lines)


OUTPUT_FUNCTIONS = {"print", "display"}  # called by name
OUTPUT_METHODS = {"show", "summary"}  # plt.show(), model.summary()


def _shows_something(node: ast.AST, printing: set[str]) -> bool:
    """A call that writes output: print(), display(), plt.show(), model.summary(), a call with
    verbose output (Keras' fit), or a call to a function of the notebook that does one of these."""
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        name = call.func.id if isinstance(call.func, ast.Name) else None
        if name in OUTPUT_FUNCTIONS or name in printing:
            return True
        if isinstance(call.func, ast.Attribute) and call.func.attr in OUTPUT_METHODS:
            return True
        if any(k.arg == "verbose" and not (isinstance(k.value, ast.Constant) and not k.value.value)
               for k in call.keywords):
            return True
    return False


def cells_with_output(sources: list[str]) -> list[bool]:
    """For each code cell, whether it shows something when run: a bare expression at its top level
    (a value, or a call such as model.evaluate()), or a call that writes output."""
    printing: set[str] = set()  # the notebook's functions that write output, defined so far
    found = []
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            found.append(True)
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and _shows_something(node, printing):
                printing.add(node.name)
        calls = [n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        found.append(any(isinstance(n, ast.Expr) for n in tree.body)
                     or any(_shows_something(n, printing) for n in calls))
    return found


def mark_missing_outputs(content: str, notebook: dict, src: str) -> str:
    """Without outputs: a placeholder under each code cell that shows something when run."""
    cells = [c for c in notebook.get("cells", []) if c["cell_type"] == "code"]
    starts = [m.end() for m in CODE_CELL.finditer(content)]
    if len(starts) != len(cells):
        raise PluginError(f"{src}: the page has {len(starts)} code cells, the notebook {len(cells)}; "
                          "mkdocs-jupyter's output changed, update hooks/notebooks.py")
    out, last = [], 0
    for start, shows in zip(starts, cells_with_output(["".join(c["source"]) for c in cells])):
        if not shows:
            continue
        end = content.index(CODE_END, start) + len(CODE_END)
        out += [content[last:end], OUTPUT_PLACEHOLDER]
        last = end
    return "".join(out) + content[last:]


def _fix_headings(content: str, name: str, src: str, permalink_title: str) -> tuple[str, list[dict]]:
    """Give each heading the id written in the notebook; return the HTML and TOC tokens."""
    flat: list[dict] = []
    seen: set[str] = set()

    def fix(match: re.Match) -> str:
        level, inner = int(match.group(1)), ANCHOR_LINK.sub("", match.group(2))
        found = EXPLICIT_ID.search(inner)
        if found:
            heading_id, inner = found.group(1), EXPLICIT_ID.sub("", inner).strip()
        elif level == 1 and not flat:
            heading_id, inner = name, inner.strip()
        else:
            text = TAGS.sub("", inner).strip()
            raise PluginError(f'{src}: heading "{text}" has no id; end it with <a id="ascii-id"></a>')
        if not ID.match(heading_id):
            raise PluginError(f"{src}: heading id '{heading_id}' is not lowercase ASCII words joined by '-'")
        if heading_id in seen:
            raise PluginError(f"{src}: heading id '{heading_id}' is used twice")
        seen.add(heading_id)
        flat.append({"level": level, "id": heading_id, "name": TAGS.sub("", inner).strip(), "children": []})
        return (f'<h{level} id="{heading_id}">{inner}<a class="headerlink" href="#{heading_id}" '
                f'title="{html.escape(permalink_title)}">¶</a></h{level}>')

    content = HEADING.sub(fix, content)
    tokens: list[dict] = []
    stack: list[dict] = []
    for token in flat:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else tokens).append(token)
        stack.append(token)
    return content, tokens


def _box_addition(content: str) -> str:
    """Put the cells from the 本站补充 heading to the end in the site's addition box."""
    heading = re.search(rf'<h2 (id="[^"]*")>{ADDITION_HEADING}<', content)
    end = content.rfind(NOTEBOOK_END)
    if not heading or end < heading.start():
        return content
    # The heading keeps its id and its place in the table of contents, and looks like the badge
    # that marks the site's additions on every other page.
    content = (content[:heading.start()] + f'<h2 class="site-addition__label" {heading.group(1)}>'
               + ADDITION_HEADING + content[heading.end() - 1:])
    start = content.rfind(CELL_START, 0, heading.start())
    return (content[:start] + '<div class="site-addition notebook-addition">\n' + content[start:end]
            + "</div>\n" + content[end:])


def _image_captions(notebook: dict, src: str) -> list[tuple[str, str]]:
    """(base64 payload, alt text) for every image output, in page order; the alt text comes from
    the code cell's metadata site.alt (a string, or a list with one entry per figure)."""
    found = []
    for number, cell in enumerate(notebook.get("cells", []), 1):
        images = [next(("".join(o["data"][t]).replace("\n", "") for t in IMAGE_TYPES if t in o["data"]))
                  for o in cell.get("outputs", []) if any(t in o.get("data", {}) for t in IMAGE_TYPES)]
        if not images:
            continue
        alt = cell.get("metadata", {}).get("site", {}).get("alt")
        alts = [alt] * len(images) if isinstance(alt, str) else alt
        if not isinstance(alts, list) or len(alts) != len(images) or not all(
                isinstance(a, str) and a.strip() for a in alts):
            raise PluginError(f"{src}: cell {number} draws {len(images)} figure(s); describe each in the cell's "
                              'metadata, "site": {"alt": "..."} (a list for several), for readers who cannot see it')
        found += list(zip(images, alts))
    return found


def _image_file(mime: str, data: bytes) -> tuple[str, bytes, int | None, int | None]:
    """The lighter of the image as it came and WebP (lossless for PNG plots; for JPEG photographs,
    already lossy, quality PHOTO_QUALITY): (extension, bytes, width, height)."""
    if mime == "image/svg+xml":
        return "svg", data, None, None
    from PIL import Image  # Pillow: a dependency of the site build (requirements.txt)

    image = Image.open(io.BytesIO(data))
    extension = "png" if mime == "image/png" else "jpg"
    buffer = io.BytesIO()
    if mime == "image/png":  # plots: lossless WebP
        image.save(buffer, "WEBP", lossless=True, method=6)
    else:  # photographs: about 0.7x the JPEG's bytes, no visible loss at this size
        image.save(buffer, "WEBP", quality=PHOTO_QUALITY, method=6)
    if len(buffer.getvalue()) < len(data):
        extension, data = "webp", buffer.getvalue()
    return extension, data, image.width, image.height


def externalise_images(content: str, notebook: dict, src: str, out_dir: Path | None) -> str:
    """Replace each inline data: image with a lazily loaded file written to out_dir."""
    captions = _image_captions(notebook, src)
    matches = list(IMAGE.finditer(content))
    if len(matches) != len(captions) or any(m.group(2) != payload for m, (payload, _) in zip(matches, captions)):
        raise PluginError(f"{src}: the rendered page has {len(matches)} inline images, the notebook "
                          f"{len(captions)}; mkdocs-jupyter's output changed, update hooks/notebooks.py")
    alts = iter(alt for _, alt in captions)

    def replace(match: re.Match) -> str:
        data = base64.b64decode(match.group(2))
        extension, data, width, height = _image_file(match.group(1), data)
        name = f"{hashlib.sha256(data).hexdigest()[:16]}.{extension}"
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / name).write_bytes(data)
        size = f' width="{width}" height="{height}"' if width else ""
        return (f'<img src="{name}" alt="{html.escape(next(alts), quote=True)}"{size} '
                'loading="lazy" decoding="async">')

    return IMAGE.sub(replace, content)


def render(content: str, name: str, src: str, config, executed: bool, notebook: dict | None = None,
           image_dir: Path | None = None) -> tuple[str, list[dict]]:
    content = content[content.find(NOTEBOOK_START):]  # drops the CSS and script blocks before it
    if notebook is not None:
        content = externalise_images(content, notebook, src, image_dir)
    content = STYLE.sub("", content)
    content = SCRIPT.sub("", content)
    content = COPY_BUTTON.sub("", content)
    content = COPY_TEXT.sub("", content)
    content = COLLAPSER.sub("", content).replace(' tabindex="0"', "")  # empty / not interactive
    content = CELL_ID.sub("", content)  # "cell-id=<uuid>": nothing links to them
    content = CODE.sub(r'<div class="language-\1 highlight"><pre><span></span><code>\2</code></pre></div>', content)
    content = OUTPUT.sub(r"\1 data-search-exclude", content)
    permalink_title = (config.mdx_configs.get("toc") or {}).get("permalink_title", "Permanent link")
    content, tokens = _fix_headings(content, name, src, permalink_title)
    if notebook is not None and not executed:
        content = mark_missing_outputs(content, notebook, src)
    content = _box_addition(content)
    root = Path(config.config_file_path).parent
    downloads = site_content.load_downloads(root)
    environment = environment_box(name, _read(root / SOURCE_DIR / f"{name}.ipynb"), root, downloads)
    box = links_box(name, config.repo_url, executed, downloads, environment)
    content = re.sub(r"(</h1>)", lambda m: m.group(1) + "\n" + box, content, count=1)
    return content, tokens


def on_page_content(page_html: str, page: Page, config, files: Files, **kwargs):
    info = _state.get(page.file.src_uri)
    if info is None:
        return page_html
    notebook = _read(Path(page.file.abs_src_path))
    image_dir = Path(config.site_dir) / posixpath.dirname(page.file.dest_uri)  # next to the page
    page_html, tokens = render(page_html, info["name"], page.file.src_uri, config, info["executed"],
                               notebook, image_dir)
    page.toc = get_toc(tokens)
    if tokens and tokens[0]["level"] == 1:  # nav, footer, search: "编程题 1：…" (hooks/content.py)
        page.title = site_content.nav_title(page.file.src_uri, tokens[0]["name"])
    # The meta description (link previews, main.html) comes from metadata.site.description.
    page.meta = {**page.meta, **notebook.get("metadata", {}).get("site", {})}
    return page_html
