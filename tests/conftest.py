import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="re-record tests/golden/*.json from the executed notebooks",
    )


def pytest_collection_modifyitems(items):
    """Each site test module runs on one pytest-xdist worker (`--dist loadgroup`), so what
    it builds or prints once (a fixture, an edition, the PDF) is not made again on the other."""
    for item in items:
        if "site" in item.path.parts and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped test fails: every test runs, or the run says what is missing."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped tests are not allowed here (make test installs what tests need): {reason}"
    return report
