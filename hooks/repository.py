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


REPORT_MARKER = "<!-- report-error -->"  # in docs/about.md: how a reader reports an error


def report_text(repo_url: str | None) -> str:
    """How to report an error: a link to the repository's issues only when the build knows it."""
    if repo_url:
        return (f"发现错误、过时的说法或坏掉的链接，请在本站的源码仓库[提交 issue]({repo_url}/issues)，"
                "写明页面地址和问题所在；不用 GitHub 的话，也可以把页面地址和问题转告给发给你这个链接的人。")
    return ("发现错误、过时的说法或坏掉的链接，请把页面地址和问题所在告诉发给你这个链接的人。"
            "（这一版网站在构建时不知道它的源码仓库，所以这里没有提交问题的链接。）")


def on_page_markdown(markdown: str, config, **kwargs) -> str:
    return markdown.replace(REPORT_MARKER, report_text(config.repo_url))


@event_priority(100)  # before the notebooks hook writes Colab links
def on_config(config, **kwargs):
    if not config.repo_url:
        config.repo_url = github_url(origin(Path(config.config_file_path).parent))
    return config
