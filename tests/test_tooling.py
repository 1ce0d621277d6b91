"""The linter, the formatter and the type checker configured in pyproject.toml pass, so the README's
test command (which CI runs) checks them on a fresh machine. None of them writes a cache into the
source tree."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

TIMEOUT = 60


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT
    )


def test_ruff_check_passes():
    result = run("ruff", "check", "--no-cache", "--output-format", "concise", "shopcrm", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_nothing_to_change():
    result = run("ruff", "format", "--no-cache", "--check", "shopcrm", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes(tmp_path):
    result = run("mypy", "--cache-dir", str(tmp_path / "mypy-cache"), "--no-error-summary", "--hide-error-context")
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert result.returncode == 0 and not errors, result.stdout + result.stderr
