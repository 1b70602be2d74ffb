"""A broken data file or a raising notebook stops the build and keeps the last good site."""
from __future__ import annotations

import pytest

from book import copy_project, run_build, tree_digest

pytestmark = pytest.mark.xdist_group("failures")


@pytest.fixture
def project(tmp_path):
    root = copy_project(tmp_path / "book")
    site = root / "_build" / "html"
    (site / "chapters").mkdir(parents=True)
    (site / "chapters" / "intro.html").write_text("<html>last good site</html>")
    (site / "index.html").write_text("<meta http-equiv='refresh' content='0; url=chapters/intro.html'>")
    return root, site, tree_digest(site)


def test_broken_data_file_stops_the_build(project):
    root, site, before = project
    path = root / "data" / "enrolment.csv"
    path.write_text(path.read_text().replace("slower,placebo,15", "slower,placebo,-15"))
    result = run_build(root)
    assert result.returncode != 0
    assert "data/enrolment.csv, line 9 (data row 8), column 'n': must be ≥ 0 (found -15)" in result.stderr
    assert "last good site" in result.stderr
    assert tree_digest(site) == before


def test_raising_notebook_stops_the_build(project):
    root, site, before = project
    chapter = root / "chapters" / "trial_design.md"
    chapter.write_text(chapter.read_text() + "\n```{code-cell} ipython3\n"
                       "raise RuntimeError('deliberate failure for the test')\n```\n")
    result = run_build(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Build failed" in result.stderr and "last good site" in result.stderr
    # one plain line names the notebook and the error, after the full traceback
    assert (f"{root / 'chapters' / 'trial_design.md'} raised RuntimeError: "
            "deliberate failure for the test") in result.stderr
    assert tree_digest(site) == before
    # the failed build forgot its incremental state: the next build re-reads every page
    assert not (root / "_build" / ".work" / "_build" / ".doctrees").exists()
