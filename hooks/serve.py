"""MkDocs hook for `mkdocs serve`: say when a hook's Python code changed.

mkdocs.yml watches hooks/, so an edited template, stylesheet or data file is rebuilt and reloaded.
Python hooks, though, are imported once per `mkdocs serve` (MkDocs caches them), so a rebuild after
editing one still runs the old code; this says so instead of leaving the page silently stale.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.serve")
_imported_at = time.time()


def on_config(config, **kwargs):
    hooks = Path(config.config_file_path).parent / "hooks"
    for path in sorted(hooks.glob("*.py")):
        if path.stat().st_mtime > _imported_at:
            log.info(f"{path.name} changed after `mkdocs serve` started: restart it to run the new code")
    return config
