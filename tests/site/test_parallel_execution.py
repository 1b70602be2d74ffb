"""Notebooks re-read by Sphinx are executed several at a time (booktools/execute.py).

The pool must really run notebooks concurrently, keep each kernel's data-read log
apart, report every failure, and give pages identical to myst-nb's own serial
execution (JB1's `execute_notebooks: force`).
"""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import nbformat
import pytest
from bs4 import BeautifulSoup

from book import copy_project, executed_chapters, notebook_docnames, run_build, strip_ansi, toc_docnames
from booktools import execute


def notebook(*cells: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(c)) for c in cells]
    return nb


def job(tmp_path, name, nb):
    return execute.Job(name, str(tmp_path / f"{name}.md"), nb, str(tmp_path / f"{name}.reads.txt"),
                       timeout=120, allow_errors=False)


def rendezvous(me: str, other: str) -> str:
    """A cell that announces ``me`` and waits for ``other``: it finishes only if both run at once."""
    return f"""
        import pathlib, time
        pathlib.Path("{me}.started").touch()
        deadline = time.monotonic() + 90
        while not pathlib.Path("{other}.started").exists():
            assert time.monotonic() < deadline, "the other notebook never started: not run concurrently"
            time.sleep(0.05)
        """


def test_two_notebooks_run_at_the_same_time_each_with_its_own_reads_log(tmp_path):
    show_log = "import os; print(os.environ['VALOR_READS_LOG'])"
    jobs = [job(tmp_path, "a", notebook(rendezvous("a", "b"), show_log)),
            job(tmp_path, "b", notebook(rendezvous("b", "a"), show_log))]
    outcomes = execute.run_jobs(jobs, n_workers=2)
    assert [o.error for o in outcomes] == [None, None]
    for j, o in zip(jobs, outcomes):
        printed = o.notebook.cells[1].outputs[0]["text"].strip()
        assert printed == j.reads_log, "each kernel must get its own $VALOR_READS_LOG"
        assert "execution" not in o.notebook.cells[0].metadata, "timing metadata would change the cache key"
    assert (tmp_path / "a.started").exists() and (tmp_path / "b.started").exists()


def test_a_failing_notebook_is_reported_and_the_others_still_run(tmp_path):
    jobs = [job(tmp_path, "good", notebook("x = 6 * 7", "x")),
            job(tmp_path, "bad", notebook("raise ValueError('broken on purpose')"))]
    good, bad = execute.run_jobs(jobs, n_workers=2)
    assert good.error is None and good.notebook.cells[1].outputs[0]["data"]["text/plain"] == "42"
    assert bad.notebook is None and "ValueError: broken on purpose" in strip_ansi(bad.error)


def test_workers_setting(monkeypatch):
    monkeypatch.setenv("VALOR_EXEC_WORKERS", "1")
    assert execute.workers(9) == 1
    monkeypatch.setenv("VALOR_EXEC_WORKERS", "4")
    assert execute.workers(9) == 4 and execute.workers(2) == 2
    monkeypatch.setenv("VALOR_EXEC_WORKERS", "0")
    with pytest.raises(ValueError):
        execute.workers(3)


def test_early_results_count_only_for_unchanged_sources(tmp_path, monkeypatch):
    import hashlib
    import json
    for name in ("same", "edited", "broken"):
        (tmp_path / f"{name}.md").write_text(f"# {name}\n")
    digest = {n: hashlib.sha256((tmp_path / f"{n}.md").read_bytes()).hexdigest()
              for n in ("same", "edited", "broken")}
    (tmp_path / "edited.md").write_text("# edited after it was executed\n")
    handover = tmp_path / "early.json"
    handover.write_text(json.dumps({
        name: {"path": str(tmp_path / f"{name}.md"), "source_sha256": digest[name], "seconds": 1.5,
               "error": "Traceback ...\nKeyError: 'x'" if name == "broken" else None}
        for name in ("same", "edited", "broken")}))
    monkeypatch.setenv(execute.EARLY_ENV, str(handover))
    done, failures = execute.collect_early(None, ["same", "edited", "broken"])
    assert done == {"same": 1.5}, "an edited notebook must be executed again"
    assert list(failures) == ["broken"]
    assert f"ExecutionError: {tmp_path / 'broken.md'}" in failures["broken"]
    assert "KeyError: 'x'" in failures["broken"]


def build_force_mode(root):
    """The same book built by JB1's own serial execution (execute_notebooks: force)."""
    code = ("import sys; from pathlib import Path; from valor import build; root = Path(sys.argv[1]); "
            "sys.exit(build.run(root, root / '_build' / 'serial', root / '_build' / '.work-serial', "
            "{'execute': {'execute_notebooks': 'force'}}))")
    return subprocess.run([sys.executable, "-c", code, str(root)], cwd=root, capture_output=True, text=True)


def article(path):
    """A page's article, without what differs between any two builds, serial ones too:
    runs of white space are collapsed (myst-nb's stream merging adds a blank line when
    the kernel sends a print's text and its newline in separate messages) and the
    random ids pandas gives styled tables (T_xxxxx) are replaced."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    html = re.sub(r"\s+", " ", soup.select_one("article").decode())
    return re.sub(r"\bT_[0-9a-f]{5}(?=[_\"\s#.])", "T_id", html)


@pytest.mark.xdist_group("parallel_build")
def test_parallel_build_gives_the_pages_of_a_serial_build(tmp_path):
    root = copy_project(tmp_path / "book")
    parallel = run_build(root)
    assert parallel.returncode == 0, parallel.stdout[-3000:] + parallel.stderr[-3000:]
    notebooks = set(notebook_docnames(root))
    assert executed_chapters(parallel.stdout) == notebooks
    match = re.search(r"valor: executed (\d+) notebook\(s\) with (\d+) worker", parallel.stdout)
    assert match and int(match.group(1)) == len(notebooks), "the notebooks were not run by the pool"
    assert f"({len(notebooks)} started before Sphinx)" in parallel.stdout, "a clean build starts them early"
    # myst-nb found every notebook in the cache: it executed none itself
    assert "Executing notebook using" not in parallel.stdout
    assert parallel.stdout.count("Using cached notebook") == len(notebooks)

    serial = build_force_mode(root)
    assert serial.returncode == 0, serial.stdout[-3000:] + serial.stderr[-3000:]
    assert "valor: executed" not in serial.stdout  # force mode: myst-nb executed them itself
    for doc in toc_docnames(root):
        if "nb-exec-table" in (root / f"{doc}.md").read_text(encoding="utf-8"):
            continue  # execution statistics: times and method differ by design
        assert article(root / "_build" / "html" / f"{doc}.html") == \
            article(root / "_build" / "serial" / f"{doc}.html"), f"{doc} differs from the serial build"


def test_early_execution_imports_the_books_own_valor(tmp_path):
    """A clean build of a copy must run the copy's valor/, not the installed checkout's."""
    import json
    root, work = tmp_path / "book", tmp_path / "work"
    (root / "valor").mkdir(parents=True)
    (root / "valor" / "__init__.py").write_text('WHERE = "the copy"\n')
    (root / "chapters").mkdir()
    (root / "chapters" / "a.md").write_text(textwrap.dedent("""\
        ---
        jupytext:
          text_representation:
            extension: .md
            format_name: myst
        kernelspec:
          display_name: Python 3
          language: python
          name: python3
        ---

        # A

        ```{code-cell} ipython3
        import os, pathlib, valor
        pathlib.Path("seen.txt").write_text(valor.WHERE + "|" + os.environ["VALOR_BOOK_ROOT"])
        ```
        """))
    thread, handover = execute.start_early(root, ["chapters/a"], work, [], 120, False)
    thread.join()
    report = json.loads(handover.read_text())
    assert report["chapters/a"]["error"] is None, report
    assert (root / "chapters" / "seen.txt").read_text() == f"the copy|{root}"
