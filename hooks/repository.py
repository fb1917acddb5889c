"""MkDocs hook: the repository link (header "源码", the notebooks' Colab links) points at a real repository.

repo_url comes from REPO_URL (the deploy workflow sets it from GitHub's context); without it, from the
checkout's git remote "origin" when that is a GitHub repository (a contributor's clone); otherwise
the site has no repository link and no Colab link rather than an invented address.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from mkdocs.plugins import event_priority

GITHUB_REMOTE = re.compile(r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
                           r"(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?$")


def github_url(remote: str) -> str | None:
    """https://github.com/<owner>/<repo> for a GitHub remote (HTTPS or SSH), else None."""
    match = GITHUB_REMOTE.match(remote.strip())
    return f"https://github.com/{match['owner']}/{match['repo']}" if match else None


def origin(folder: Path) -> str:
    try:
        run = subprocess.run(["git", "-C", str(folder), "remote", "get-url", "origin"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return run.stdout.strip() if run.returncode == 0 else ""


@event_priority(100)  # before the notebooks hook writes Colab links
def on_config(config, **kwargs):
    if not config.repo_url:
        config.repo_url = github_url(origin(Path(config.config_file_path).parent))
    return config
