"""The README's two commands are the whole set-up: `make test` installs what its tests
need (the test packages, Debian's chromium), lints, and runs every test; CI runs it alone."""

from __future__ import annotations

import re
import subprocess

from book import ROOT


def dry_run(*args: str) -> str:
    """The commands `make` would run (nothing is run)."""
    result = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout


def test_ci_runs_make_test_and_nothing_else():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    assert commands[-1] == "make test"
    assert all(re.match(r"(set |cd )", c) for c in commands[:-1]), commands


def test_make_test_installs_the_test_set_chromium_and_axe_then_lints_and_runs_everything():
    commands = dry_run("-B", "test")
    assert re.search(r"uv sync --locked .*--group test", commands), "the test packages from uv.lock"
    assert "apt-get install" in commands and "chromium" in commands, "Debian's chromium"
    assert "npm ci" in commands, "axe-core, pinned by package-lock.json"
    assert "ruff check ." in commands and "ruff format --check ." in commands
    pytest_line = [line for line in commands.splitlines() if "-m pytest" in line][-1]
    assert not re.search(r"\s(-m|-k|--deselect|--ignore)\s", pytest_line.split("pytest", 1)[1]), pytest_line


def test_make_book_installs_only_what_the_book_needs():
    commands = dry_run("-B", "book")
    sync = [line for line in commands.splitlines() if "uv sync" in line]
    assert sync and all("--group" not in line for line in sync), sync


def test_without_chromium_and_without_root_make_says_what_to_install(tmp_path):
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    result = subprocess.run(
        [*nobody, "make", "-s", "browser", f"CHROMIUM={tmp_path / 'no-chromium'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "sudo apt-get install chromium" in result.stdout + result.stderr


def test_a_skipped_test_fails_the_run(tmp_path):
    import shutil
    import sys

    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_skips.py").write_text(
        "import pytest\n\ndef test_needs_a_tool():\n    pytest.skip('the tool is missing')\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout and "skipped" not in result.stdout.splitlines()[-1]
    assert "the tool is missing" in result.stdout
