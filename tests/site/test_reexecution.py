"""Build after build of one copy of the project (built clean once, for the whole module):

* a chapter re-executes exactly when a file its kernel read, or a module of the science
  package its kernel imported, changed: never for the machinery, never for a module no
  kernel imported;
* the student edition, written after the reader's build re-executed chapters, shows their
  new numbers too (_ext/valor_editions.py);
* a broken data file or a raising notebook stops the build and keeps the last good site
  (these run last: a failed build forgets the incremental state)."""

from __future__ import annotations

import json
import re

import pytest
from book import copy_project, executed_chapters, notebook_docnames, run_build, search_index, tree_digest

from booktools import kernel_fork
from booktools.pack import PAGES_WRITTEN

# A science sub-package of the copy's own: one chapter imports `used`, which imports `leaf`
# (so `leaf` is imported only through another module); no kernel imports `unused`.
PROBE = {
    "__init__.py": "",
    "used.py": "from valor._probe import leaf\n\nVALUE = leaf.VALUE\n",
    "leaf.py": "VALUE = 1\n",
    "unused.py": "VALUE = 2\n",
}
PROBE_CHAPTER = "chapters/trial_design"
PROBE_CELL = (
    "\n```{code-cell} ipython3\n:tags: [remove-cell]\n\nimport valor._probe.used\n"
    'import valor.assumptions\n\nvalor.assumptions.value("probe")\n```\n'
)
# An assumption of the copy's own, read only by the probe chapter (and the appendix, which
# shows every assumption).
PROBE_ASSUMPTION = 'Assumption("probe", 1, "unit", "A probe."),\n'
PROBE_GROUP = '("seed", "n_trials", "lag_n_trials")'  # the appendix's summary groups every assumption
APPENDIX = "chapters/assumptions"


def readers(root, table):
    """Chapters that load the table (the book's convention: data.load("name") in the
    chapter, or factcheck.load_tables(), which loads every table of factcheck.TABLES)."""
    from valor import factcheck

    pattern = rf"""load\(\s*["']{table}["']""" + (
        r"|factcheck\.load_tables\(" if table in factcheck.TABLES else ""
    )
    return {doc for doc in notebook_docnames(root) if re.search(pattern, (root / f"{doc}.md").read_text())}


def version_readers(root) -> set[str]:
    """Chapters whose code reads the book's version (outside a comment)."""
    return {
        d
        for d in notebook_docnames(root)
        if any(
            "__version__" in line and not line.lstrip().startswith("#")
            for line in (root / f"{d}.md").read_text().splitlines()
        )
    }


def citation_readers(root) -> set[str]:
    """Chapters that read CITATION.cff."""
    return {d for d in notebook_docnames(root) if "citation.load(" in (root / f"{d}.md").read_text()}


def build(root):
    result = run_build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert PAGES_WRITTEN not in result.stdout, "a line for the build, not for the reader"
    return executed_chapters(result.stdout)


def build_student_edition(root):
    """The student edition, written from the environment the reader edition's builds keep."""
    result = run_build(root, "--edition", "student")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root / "_build" / "student" / "html"


def packs_started_once_every_page_was_written(root) -> bool:
    """The build started the packs at the line Sphinx's last run said once, after writing
    the pages and before its last phase (viewcode's highlighting: 2-3 s of a clean build)."""
    log = (root / "_build" / ".work" / "build-html.log").read_text(encoding="utf-8").splitlines()
    if log.count(PAGES_WRITTEN) != 1:
        return False
    said = log.index(PAGES_WRITTEN)
    writing = [i for i, line in enumerate(log) if "writing output..." in line]
    after = [
        i for i, line in enumerate(log) if "highlighting module code" in line or "build succeeded" in line
    ]
    return bool(writing and after) and max(writing) < said < min(after)


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r} is not there exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path, text="\n# edited\n"):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def execution_report(root) -> dict:
    return json.loads(
        (root / "_build" / ".work" / "_build" / ".doctrees" / "valor_execution.json").read_text()
    )


def overlapping_runs(root) -> int:
    """How many pairs of notebooks ran at the same time in the last build (myst-nb's times)."""
    report = execution_report(root)
    runs = sorted((end - seconds, end) for end, seconds in report["finished"].values())
    return sum(1 for i, (_, end) in enumerate(runs) for start, _ in runs[i + 1 :] if start < end)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The copy, with a probe sub-package, after its clean build: (root, executed, overlaps,
    kernels forked from the preloaded process)."""
    root = copy_project(tmp_path_factory.mktemp("reexecution") / "book")
    (root / "valor" / "_probe").mkdir()
    for name, text in PROBE.items():
        (root / "valor" / "_probe" / name).write_text(text)
    append(root / f"{PROBE_CHAPTER}.md", PROBE_CELL)
    edit(root / "valor" / "assumptions.py", "\n)\n_BY_NAME", "\n" + PROBE_ASSUMPTION + ")\n_BY_NAME")
    edit(root / "valor" / "assumptions.py", PROBE_GROUP, PROBE_GROUP.replace(")", ', "probe")'))
    executed = build(root)
    return (
        root,
        executed,
        overlapping_runs(root),
        kernel_fork.forked(root / "_build" / ".work" / "_build"),
    )


def test_only_what_changed_re_executes(built):
    root, clean, overlaps, forked = built
    assert clean == set(notebook_docnames(root)), "a clean build executes every notebook"
    assert forked == len(clean), f"{forked} of {len(clean)} kernels forked from the preloaded process"
    assert overlaps > 0, f"a clean build runs notebooks at the same time: {execution_report(root)}"
    assert build(root) == set(), "a no-op rebuild executes nothing"
    student = build_student_edition(root)

    # One build for the edits that must re-execute nothing and the one that must re-execute
    # one chapter (a build here costs 7-25 s): an edit that wrongly re-executed would add
    # chapters beyond that one (every kernel imports valor/__init__.py; eleven read the table).
    # - the machinery, and a science module no kernel imported, are no input;
    for module in sorted((root / "booktools").glob("*.py")) + sorted((root / "_ext").glob("*.py")):
        append(module)
    append(root / "valor" / "_probe" / "unused.py")
    # - saved unchanged (or an edit undone): a table eleven chapters read, and a module every
    #   kernel imports; content stamps, not modification times, decide (the package's
    #   __init__, which the API reference does not document: Sphinx re-reads that page,
    #   3-4 s, when a module it documents is newer than the page);
    for unchanged in (root / "data" / "alsfrs_week28.csv", root / "valor" / "__init__.py"):
        unchanged.write_bytes(unchanged.read_bytes())
    # - a module one chapter's kernel imported only through another module.
    append(root / "valor" / "_probe" / "leaf.py")
    assert build(root) == {PROBE_CHAPTER}, (
        "only the chapter whose kernel imported leaf.py (through `used`): not the machinery, "
        "not a module no kernel imported, not a file saved unchanged"
    )
    assert packs_started_once_every_page_was_written(root)

    # a table five chapters read (the week-28 table has eleven readers: minutes more), and
    # CITATION.cff, which one other page reads (one build for both: the readers differ)
    table = root / "data" / "ole_week52.csv"
    table.write_text(table.read_text().replace(",3.5,0.4,6.7,0.0272,", ",3.5,0.4,6.7,0.0291,"))
    expected = readers(root, "ole_week52")
    assert "chapters/intro" in expected and "chapters/trial_design" not in expected
    cites = citation_readers(root)
    assert cites and not cites & expected
    edit(root / "CITATION.cff", "\nversion: ", "\nversion: 9")  # as make bump does
    assert build(root) == expected | cites
    assert overlapping_runs(root) > 0, f"five notebooks to run run at once: {execution_report(root)}"
    intro = (root / "_build" / "html" / "chapters" / "intro.html").read_text()
    assert "P = 0.0291" in intro and "P = 0.0272" not in intro
    # the student edition, written after the reader's build re-executed those chapters,
    # shows their new numbers (Sphinx alone rewrites a page only when its source changed)
    assert build_student_edition(root) == student
    intro = (student / "chapters" / "intro.html").read_text()
    assert "P = 0.0291" in intro and "P = 0.0272" not in intro
    whole = set(search_index(root / "_build" / "html")["docnames"])
    assert set(search_index(student)["docnames"]) == whole, "a whole search index"

    assert build(root) == set()


def test_an_assumption_re_executes_the_chapters_that_read_it(built):
    root, *_ = built
    module = root / "valor" / "assumptions.py"
    build(root)  # whatever the test before left to do

    edit(module, '("probe", 1,', '("probe", 2,')
    assert build(root) == {PROBE_CHAPTER, APPENDIX}, "its one reader and the appendix"
    # two notebooks (and the API reference, which documents the module) are read by two
    # processes at once, the pages padded in so that neither waits for a third chunk;
    # which process runs which is the balance's choice by their costs (tested apart)
    chunks = execution_report(root)["chunks"]
    assert len(chunks) == 2 and len(sum(chunks, [])) >= 6, chunks
    assert {PROBE_CHAPTER, APPENDIX, "chapters/api"} <= set(sum(chunks, [])), chunks

    # a reason, and a comment, change no value: only the appendix, which shows the reasons
    # (one build for both: either alone re-executes no more than both together); a new
    # version re-executes the pages that show it (in the same build: no page of these
    # shows the assumptions)
    shows_version = version_readers(root)
    assert "chapters/intro" in shows_version and len(shows_version) < 5
    assert APPENDIX not in shows_version
    edit(module, '"A probe."', '"A probe, explained better."')
    append(module)
    edit(root / "valor" / "version.py", '__version__ = "', '__version__ = "9')
    assert build(root) == {APPENDIX} | shows_version, (
        "a reason or a comment re-executes only the appendix, a version only the pages that show it"
    )

    edit(module, '"length_slowing",\n        0.3,', '"length_slowing",\n        0.35,')
    executed = build(root)
    assert {"chapters/design_choices", APPENDIX} <= executed, executed
    assert not executed & {"chapters/background", PROBE_CHAPTER, "chapters/regulatory"}, executed
    appendix = (root / "_build" / "html" / "chapters" / "assumptions.html").read_text()
    assert ">0.35<" in appendix and "A probe, explained better." in appendix


def test_broken_data_file_stops_the_build_and_keeps_the_last_good_site(built):
    root, *_ = built
    site = root / "_build" / "html"
    before = tree_digest(site)
    path = root / "data" / "enrolment.csv"
    good = path.read_text()
    path.write_text(good.replace("slower,placebo,15", "slower,placebo,-15"))
    try:
        result = run_build(root)
    finally:
        path.write_text(good)
    assert result.returncode != 0
    assert "data/enrolment.csv, line 9 (data row 8), column 'n': must be ≥ 0 (found -15)" in result.stderr
    assert "last good site" in result.stderr
    assert tree_digest(site) == before


def test_raising_notebook_stops_the_build_and_keeps_the_last_good_site(built):
    root, *_ = built
    site = root / "_build" / "html"
    before = tree_digest(site)
    chapter = root / "chapters" / "trial_design.md"
    chapter.write_text(
        chapter.read_text()
        + "\n```{code-cell} ipython3\nraise RuntimeError('deliberate failure for the test')\n```\n"
    )
    result = run_build(root)
    assert result.returncode != 0
    assert "Build failed" in result.stderr and "last good site" in result.stderr
    # one plain line names the notebook and the error, after the full traceback
    assert f"{chapter} raised RuntimeError: deliberate failure for the test" in result.stderr
    assert tree_digest(site) == before
    # the failed build forgot its incremental state: the next build re-reads every page
    assert not (root / "_build" / ".work" / "_build" / ".doctrees").exists()
