"""Built editions of the book for the tests: built once per test run, shared by all workers.

Each build goes where ``make book`` / ``make student`` / ``make pdf`` put it, so it
reuses their incremental state (a no-op when nothing changed). A file lock per
output keeps two pytest-xdist workers from building the same thing at once; the
second one then finds an up-to-date build and only re-checks it.
"""

from __future__ import annotations

import contextlib
import fcntl
from dataclasses import dataclass
from pathlib import Path

import pytest
from book import ROOT, run_build

CHROMIUM_HELP = (
    "Debian's chromium is missing: run the tests with `make test`, which installs it "
    "(as root, with apt-get); elsewhere `sudo apt-get install chromium` first"
)
WORK = ROOT / "_build" / ".work"  # both editions: the student edition is written from the reader's


@contextlib.contextmanager
def _locked(name: str):
    lock = ROOT / "_build" / f".{name}.lock"  # build.run also locks its work folder
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Build:
    site: Path  # the published HTML
    output: str  # what `make book` printed
    executed: Path  # the notebooks as the build executed them (myst-nb's jupyter_execute/)


_built: dict[str, object] = {}


def build(edition: str = "reader") -> Build:
    """``edition`` built now if needed (the test fails if the build fails)."""
    if edition not in _built:
        with _locked(f"build-{edition}"):
            result = run_build(ROOT, "--edition", edition)
        output = result.stdout + result.stderr
        if result.returncode != 0:
            pytest.fail(f"building the {edition} edition failed:\n{output[-4000:]}", pytrace=False)
        site = ROOT / "_build" / ("html" if edition == "reader" else f"{edition}/html")
        _built[edition] = Build(site, output, WORK / "_build" / "jupyter_execute")
    return _built[edition]


def site(edition: str = "reader") -> Path:
    """The HTML site of ``edition``, built now if needed."""
    return build(edition).site


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


def pdf_texts(edition: str = "reader") -> list[str]:
    """Each page's text in reading order, as the printer's own check reads it back
    (``booktools.pdf.page_texts``: PDFium, half a second for the whole book)."""
    key = f"pdf-text-{edition}"
    if key not in _built:
        from booktools.pdf import page_texts

        _built[key] = page_texts(pdf(edition))
    return _built[key]
