"""Budgets of the pages a reader lands on, served locally with gzip as Pages serves them.

Nothing here is timed, so nothing here depends on the machine's speed or load:
- what each page weighs, counted in Chromium on a phone screen (audit.weigh): bytes transferred,
  requests, JavaScript, DOM elements, each under its page's limit in audit.LIMITS (and at most
  100 KB transferred); a planted 60 KB script shows the script budget bites;
- Lighthouse's accessibility, best practices and SEO at 1.00 (mobile, Debian's Chromium);
- axe on every page in both colour schemes, and the cheap checks behind two Lighthouse fixes.
Notebook pages are checked twice: without outputs, and built from the executed notebooks as
readers get them. The performance score and its timings (FCP, LCP, TBT) are watched by
`make audit` and CI's audit job, not asserted here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import audit
from conftest import copy_project, missing, mkdocs_build, require_chromium


def require_lighthouse() -> None:
    absent = []
    if not shutil.which("node"):
        absent.append("node (apt-get install -y nodejs npm)")
    if not audit.LIGHTHOUSE.is_file():
        absent.append(f"{audit.LIGHTHOUSE} (npm ci in tests/)")
    if absent:
        missing("Lighthouse cannot run: missing " + ", ".join(absent))


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lighthouse")


# Every audited page as built without notebook outputs, and the notebook pages also as the deploy
# builds them: from the notebooks executed (offline, with the tests' stand-ins for the downloads).
CASES = [("plain", name) for name in audit.PAGES] + [("executed", name) for name in audit.NOTEBOOK_PAGES]
IDS = [f"{form}-{name}" for form, name in CASES]


def _built(form: str, name: str, request) -> tuple[Path, str]:
    site = request.getfixturevalue("site" if form == "plain" else "executed_site")
    path = audit.PAGES[name]
    # A page the build did not produce fails here, by name, rather than being measured as the 404 page.
    assert (site / path / "index.html").is_file(), f"/{path} was not built: no page to audit"
    return site, path


@pytest.mark.parametrize("form,name", CASES, ids=IDS)
def test_page_keeps_its_weight_budget(form, name, request, browser):
    site, path = _built(form, name, request)
    weight = audit.weigh(browser, site, path)
    print(f"/{path} ({form}): {weight.summary()}")
    problems = audit.weight_problems(weight, audit.LIMITS[name])
    assert not problems, (f"/{path} ({form}) misses its budget: " + "; ".join(problems) +
                          f"\n(measured {weight.summary()}; limits in tests/audit.py LIMITS)")


@pytest.mark.parametrize("form,name", CASES, ids=IDS)
def test_lighthouse_accessibility_best_practices_and_seo(form, name, request, reports):
    site, path = _built(form, name, request)
    base_url = request.getfixturevalue("base_url" if form == "plain" else "executed_base_url")
    require_chromium()
    require_lighthouse()
    result = audit.lighthouse(f"{form}-{name}", base_url + path, reports, categories=audit.GATED)
    assert not result.problems(), f"/{path} ({form}) misses its budgets:\n" + "\n".join(result.problems())


def test_the_gate_holds_no_timing():
    """make test gates on counts and on the categories that judge markup; performance is only watched."""
    assert "performance" not in audit.GATED
    assert set(audit.LIMITS) == set(audit.PAGES)
    for name, limit in audit.LIMITS.items():
        assert limit.transfer_bytes <= audit.MAX_TRANSFER_BYTES, f"{name}: a limit over 100 KB"


PLANTED_SCRIPT_BYTES = 60 * 1024


def planted_script() -> str:
    """60 KB of plausible minified JavaScript (a table of functions it never calls), not one repeated
    line: gzip makes about 1/5 of it, as with real code."""
    import random

    rng = random.Random(16)
    words = ["data", "node", "item", "value", "index", "list", "state", "event", "query", "result"]
    parts, size = [], 0
    while size < PLANTED_SCRIPT_BYTES:
        a, b = rng.choice(words), rng.choice(words)
        part = (f"function {a}{rng.randrange(10**6)}({a},{b}){{var n={rng.randrange(1000)};"
                f"return {a}.map(function(x){{return x*{rng.randrange(97)}+{b}.length-n}})}}\n")
        parts.append(part)
        size += len(part)
    return "".join(parts)[:PLANTED_SCRIPT_BYTES]


def test_a_planted_60kb_script_misses_the_script_budget(tmp_path, browser):
    """The regression the budgets exist for: a page that gains a 60 KB script (here every page, through
    extra_javascript). Counted as the real pages are counted (audit.weigh), it misses the script budget."""
    project = copy_project(tmp_path / "project")
    (project / "docs" / "javascripts").mkdir()
    (project / "docs" / "javascripts" / "planted.js").write_text(planted_script(), encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nextra_css:\n" in text
    config.write_text(text.replace("\nextra_css:\n", "\nextra_javascript:\n  - javascripts/planted.js\nextra_css:\n", 1),
                      encoding="utf-8")
    build = mkdocs_build(project, tmp_path / "site")
    assert build.returncode == 0, build.log[-3000:]
    weight = audit.weigh(browser, build.site, audit.PAGES["home"])
    problems = audit.weight_problems(weight, audit.LIMITS["home"])
    assert any(p.startswith("loads script of") for p in problems), (weight.summary(), problems)
    assert weight.script_bytes >= PLANTED_SCRIPT_BYTES


def test_weight_problems_name_each_figure_over_its_limit():
    limit = audit.Weight(transfer_bytes=80 * 1024, requests=7, script_bytes=150 * 1024, dom_elements=300)
    assert audit.weight_problems(limit, limit) == []
    over = audit.Weight(transfer_bytes=120 * 1024, requests=8, script_bytes=151 * 1024, dom_elements=301)
    problems = audit.weight_problems(over, limit)
    assert [p.split()[0] for p in problems] == ["transfers", "makes", "loads", "has"], problems
    # never more than 100 KB transferred, whatever a limit says
    assert audit.weight_problems(audit.Weight(101 * 1024, 1, 1, 1), audit.Weight(200 * 1024, 9, 9, 9)) == [
        "transfers 101.0 KB > 100.0 KB"]


def test_the_audited_glossary_category_is_the_heaviest(site):
    """Only one glossary category page is audited; it must be the one that transfers the most."""
    import gzip

    pages = sorted((site / "glossary").glob("*/index.html"))
    assert len(pages) > 1
    size = {p.parent.name: len(gzip.compress(p.read_bytes(), compresslevel=6)) for p in pages}
    audited = audit.PAGES["glossary-category"].strip("/").split("/")[-1]
    assert size[audited] == max(size.values()), f"audit glossary/{max(size, key=size.get)}/ instead: {size}"


def test_the_audited_bank_question_is_the_heaviest(site):
    """Of the 延伸题库's questions, the one audited must be the one that transfers the most."""
    import gzip

    pages = sorted((site / "bank").glob("*/*/index.html"))
    assert len(pages) >= 45
    size = {p.parent.relative_to(site).as_posix() + "/": len(gzip.compress(p.read_bytes(), compresslevel=6))
            for p in pages}
    assert size[audit.PAGES["bank-question"]] == max(size.values()), f"audit {max(size, key=size.get)} instead"


def test_search_dialog_has_accessible_name(site):
    """The cheap check behind the aria-dialog-name audit, for every page."""
    from bs4 import BeautifulSoup

    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        dialog = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(".md-search")
        assert dialog is not None, f"{page.relative_to(site)}: no search dialog"
        assert dialog.get("role") == "dialog" and dialog.get("aria-label", "").strip(), (
            f"{page.relative_to(site)}: search dialog has no accessible name")


def test_repository_link_does_not_call_the_github_api(site):
    """Material fetches star and fork counts from api.github.com on every visit for a link marked
    data-md-component="source"; the override in hooks/overrides/partials/source.html drops the mark."""
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert 'data-md-component="source"' not in text, f"{page.relative_to(site)} fetches repository facts"


AXE = Path(audit.TESTS) / "node_modules" / "axe-core" / "axe.min.js"  # shipped with Lighthouse
AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
  return result.violations.map(v => `${v.id} (${v.nodes.length}x): ` +
    v.nodes.slice(0, 3).map(n => n.target.join(" ") + " - " + ((n.any[0] || n.all[0] || {}).message || "")).join(" | "));
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe_in_both_color_schemes(scheme, site, base_url, browser):
    """Lighthouse audits the pages in audit.PAGES in the light scheme; axe (the engine behind its accessibility
    score) checks every page against WCAG 2.1 A/AA, in the light and in the dark scheme."""
    if not AXE.is_file():
        missing(f"axe-core not installed at {AXE} (npm ci in tests/)")
    script = AXE.read_text(encoding="utf-8")
    paths = sorted(p.relative_to(site).parent.as_posix() for p in site.rglob("index.html"))
    assert len(paths) >= 10
    # bypass_csp: axe is added as an inline script, which the pages' policy (hooks/csp.py) blocks.
    context = browser.new_context(color_scheme=scheme, viewport={"width": 412, "height": 823}, bypass_csp=True)
    page = context.new_page()
    problems = []
    try:
        for path in paths:
            path = "" if path == "." else path + "/"
            page.goto(base_url + path)
            page.add_script_tag(content=script)
            problems += [f"/{path}: {violation}" for violation in page.evaluate(AXE_RUN)]
    finally:
        context.close()
    assert not problems, f"{scheme} scheme:\n" + "\n".join(problems)
