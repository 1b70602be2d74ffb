import gc
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


# The modules whose builds take minutes start first (make test hands modules to the two
# workers in collection order, --no-loadscope-reorder), so both workers end together
# instead of one running a release alone while the other waits.
SLOW_FIRST = (
    "site/test_release_site.py",
    "site/test_pack.py",
    "site/test_reexecution.py",
    "site/test_pdf.py",
    "site/test_browser.py",
    "site/test_editions.py",
)


def start_rank(nodeid: str) -> int:
    """Where a test's module stands in SLOW_FIRST (after it: every other module)."""
    path = nodeid.split("::")[0]
    return next((i for i, name in enumerate(SLOW_FIRST) if path.endswith(name)), len(SLOW_FIRST))


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: start_rank(item.nodeid))  # stable: the order within a module stays


def pytest_unconfigure(config):
    """Everything frozen before the process exits, so that no garbage collection walks the
    heap again while the interpreter tears it down: each xdist worker of `make test-fast`
    then ended in 0.1 s instead of 1.0-1.1 s (as booktools.sphinx_build.exit_quickly does
    for Sphinx)."""
    gc.freeze()


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="re-record tests/golden/*.json from the executed notebooks",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped test fails: every test runs, or the run says what is missing."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped tests are not allowed here (make test installs what tests need): {reason}"
    return report


@pytest.fixture(autouse=True)
def book_root_restored():
    """booktools' entry points (build.run, pdf.run, release.release) point VALOR_BOOK_ROOT at
    the book they build; one called in-process on a test's copy must not leave the worker's
    later tests reading that copy's data."""
    before = os.environ.get("VALOR_BOOK_ROOT")
    yield
    if before is None:
        os.environ.pop("VALOR_BOOK_ROOT", None)
    else:
        os.environ["VALOR_BOOK_ROOT"] = before


@pytest.fixture
def ext_path(monkeypatch):
    """The book's Sphinx extensions (``_ext/``) importable by a test's own small Sphinx
    project; forgotten afterwards, so that the next project imports them afresh."""
    from book import ROOT

    monkeypatch.syspath_prepend(str(ROOT / "_ext"))
    yield
    for extension in (ROOT / "_ext").glob("*.py"):
        sys.modules.pop(extension.stem, None)
