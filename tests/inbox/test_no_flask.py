"""The inbox's domain imports without Flask (or torch): a worker, the CLI or a script can use it without the web."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import inbox

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
# A fresh interpreter: this test process has loaded Flask already, for other tests.
IMPORT_ALL = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""
FORBIDDEN = {"flask", "flask_login", "flask_wtf", "werkzeug", "web", "torch", "transformers"}


def inbox_modules() -> list[str]:
    return ["inbox", *(module.name for module in pkgutil.walk_packages(inbox.__path__, "inbox."))]


def test_every_inbox_module_is_found() -> None:
    modules = inbox_modules()
    for expected in ("inbox.queue.queries", "inbox.queue.params", "inbox.triage", "inbox.bulk", "inbox.corrections",
                     "inbox.auth.service", "inbox.auth.tokens", "inbox.auth.attempts"):
        assert expected in modules


def test_importing_the_inbox_loads_no_flask_and_no_torch() -> None:
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL, *inbox_modules()], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert "inbox" in loaded and "sqlmodel" in loaded  # the check did import the package
    assert loaded & FORBIDDEN == set()
