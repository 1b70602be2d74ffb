"""Built editions of the book for the tests: built once, shared between workers.

Each build goes where ``make book`` / ``make student`` / ``make pdf`` put it, so it
reuses their incremental state (a no-op when nothing changed). A file lock per
output keeps two pytest-xdist workers from building the same thing at once; the
second one then finds an up-to-date build and only re-checks it.
"""

from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path

import pytest
from book import ROOT

CHROMIUM_HELP = (
    "Debian's chromium is missing: run the tests with `make test`, which installs it "
    "(as root, with apt-get); elsewhere `sudo apt-get install chromium` first"
)


@contextlib.contextmanager
def _locked(name: str):
    lock = ROOT / "_build" / f".{name}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_built: dict[str, Path] = {}


def site(edition: str = "reader") -> Path:
    """The HTML site of ``edition``, built now if needed (fails the test if the build fails)."""
    if edition not in _built:
        from booktools import build

        with _locked(f"build-{edition}"):
            code = build.main(["--root", str(ROOT), "--edition", edition])
        if code != 0:
            pytest.fail(
                f"building the {edition} edition failed (exit code {code}); see the output above",
                pytrace=False,
            )
        _built[edition] = ROOT / "_build" / ("html" if edition == "reader" else f"{edition}/html")
    return _built[edition]


def require_chromium() -> str:
    """Chromium's path; missing, the test fails saying what to install (never skips)."""
    from booktools import browser

    try:
        return browser.chromium_path()
    except browser.BrowserMissing:
        pytest.fail(CHROMIUM_HELP, pytrace=False)


def pdf(edition: str = "reader") -> Path:
    """The book's PDF, printed now if needed."""
    require_chromium()
    key = f"pdf-{edition}"
    if key not in _built:
        from booktools import pdf as valor_pdf

        with _locked(key):
            code = valor_pdf.run(ROOT, edition)
        if code != 0:
            pytest.fail(f"`make pdf` failed (exit code {code}); see the output above", pytrace=False)
        _built[key] = valor_pdf.pdf_path(ROOT, edition)
    return _built[key]
