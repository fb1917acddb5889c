"""Lighthouse budgets on the pages a reader lands on, served locally with gzip as Pages serves them.

Mobile emulation, Debian's Chromium: accessibility, best practices and SEO at 1.00, performance at
least 0.95 (median of three runs when one run misses), at most 100 KB transferred per page. Notebook
pages are audited twice: without outputs, and built from the executed notebooks as readers get them.
`make audit` prints the same numbers as a table.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import audit
from conftest import missing, require_chromium


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


@pytest.mark.parametrize("form,name", CASES, ids=[f"{form}-{name}" for form, name in CASES])
def test_lighthouse_budgets(form, name, request, reports):
    site = request.getfixturevalue("site" if form == "plain" else "executed_site")
    base_url = request.getfixturevalue("base_url" if form == "plain" else "executed_base_url")
    path = audit.PAGES[name]
    # A page the build did not produce fails here, by name, rather than being audited as the 404 page.
    assert (site / path / "index.html").is_file(), f"/{path} was not built: no page to audit"
    require_chromium()
    require_lighthouse()
    result = audit.audit_page(f"{form}-{name}", base_url + path, reports)
    print(audit.table([result]))
    assert not result.problems(), f"/{path} ({form}) misses its budgets:\n" + "\n".join(result.problems())


def test_the_audited_glossary_category_is_the_heaviest(site):
    """Only one glossary category page is audited; it must be the one that transfers the most."""
    import gzip

    pages = sorted((site / "glossary").glob("*/index.html"))
    assert len(pages) > 1
    size = {p.parent.name: len(gzip.compress(p.read_bytes(), compresslevel=6)) for p in pages}
    audited = audit.PAGES["glossary-category"].strip("/").split("/")[-1]
    assert size[audited] == max(size.values()), f"audit glossary/{max(size, key=size.get)}/ instead: {size}"


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
