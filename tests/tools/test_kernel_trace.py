"""The kernel-side recorder: every module of the science package a kernel imports, and
only those, in any sub-package, whether imported directly or through another module."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from booktools import kernel_trace, sphinx_build

MODULES = {
    "valor/__init__.py": "",
    "valor/fmt.py": "",
    "valor/unused.py": "",
    "valor/figures/__init__.py": "",
    "valor/figures/design.py": "from valor import fmt\n",
    "valor/figures/other.py": "",
    "valor/later.py": "",
}


def test_records_what_the_kernel_imported_and_nothing_else(tmp_path):
    for name, text in MODULES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    log = tmp_path / "reads.txt"
    code = textwrap.dedent(
        """
        from booktools import kernel_trace
        kernel_trace.install()
        import json, pandas                      # not the science package: not recorded
        from valor.figures import design         # a sub-package; fmt comes through design
        def lazily():
            import valor.later
        lazily()
        """
    )
    env = {"PYTHONPATH": str(tmp_path), kernel_trace.LOG_ENV: str(log), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True)
    recorded = {str((tmp_path / line).relative_to(tmp_path)) for line in log.read_text().split()}
    assert recorded == {
        "valor/__init__.py",
        "valor/figures/__init__.py",
        "valor/figures/design.py",
        "valor/fmt.py",
        "valor/later.py",
    }


def test_installs_only_when_a_log_is_set_and_only_once(monkeypatch, tmp_path):
    monkeypatch.delenv(kernel_trace.LOG_ENV, raising=False)
    assert kernel_trace.install() is None
    recorder = kernel_trace.install(str(tmp_path / "log.txt"))
    try:
        assert recorder in sys.meta_path
        assert kernel_trace.install(str(tmp_path / "other.txt")) is None
    finally:
        sys.meta_path.remove(recorder)


def test_the_kernels_start_up_file_installs_it(tmp_path):
    folder = kernel_trace.startup_dir(tmp_path)
    startup = folder / "profile_default" / "startup" / "00-valor-trace.py"
    namespace = {}
    exec(startup.read_text(), namespace)  # as IPython runs it, with no log set: nothing happens
    assert "_valor_trace" not in namespace
    assert (
        "HistoryManager.enabled = False"
        in (folder / "profile_default" / "ipython_kernel_config.py").read_text()
    )


TEARDOWN_PROBE = """
import atexit, sys
for startup in sys.argv[1:]:
    exec(open(startup).read())
atexit.register(lambda: open("handler", "w").write("ran"))
unflushed = open("teardown", "w")
unflushed.write("ran")  # written out only when the interpreter's teardown closes the file
"""


@pytest.mark.parametrize("quick_exit", [True, False])
def test_a_build_kernel_skips_the_interpreters_teardown_but_not_its_exit_handlers(tmp_path, quick_exit):
    import subprocess
    import sys

    startup = kernel_trace.startup_dir(tmp_path / "work") / "profile_default" / "startup"
    files = sorted(str(p) for p in startup.glob("*.py") if quick_exit or "quick-exit" not in p.name)
    subprocess.run([sys.executable, "-c", TEARDOWN_PROBE, *files], cwd=tmp_path, check=True)
    assert (tmp_path / "handler").exists(), "an exit handler registered after start-up runs"
    assert (tmp_path / "teardown").read_text() == ("" if quick_exit else "ran")


def test_a_build_kernel_runs_and_shuts_down_with_its_profile(tmp_path, monkeypatch):
    from jupyter_client.manager import start_new_kernel

    monkeypatch.setenv("IPYTHONDIR", str(kernel_trace.startup_dir(tmp_path)))
    log = tmp_path / "reads.txt"
    monkeypatch.setenv(kernel_trace.LOG_ENV, str(log))
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        reply = client.execute_interactive("import valor.fmt")
        assert reply["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        manager.shutdown_kernel()  # polite, as myst-nb's
    assert not manager.is_alive()
    assert any(line.endswith("fmt.py") for line in log.read_text().split()), "the import was recorded"


def test_build_jobs_setting(monkeypatch):
    monkeypatch.setenv("VALOR_BUILD_JOBS", "1")
    assert sphinx_build.default_jobs() == 1
    monkeypatch.setenv("VALOR_BUILD_JOBS", "0")
    with pytest.raises(ValueError, match="VALOR_BUILD_JOBS"):
        sphinx_build.default_jobs()
    monkeypatch.delenv("VALOR_BUILD_JOBS")
    assert sphinx_build.default_jobs() == sphinx_build.JOBS_PER_CORE * len(os.sched_getaffinity(0))


# A local extension of a one-page book: what Sphinx's process sees as it starts building
# (the garbage collector's thresholds, whether kernels can fork from a preloaded process
# yet), and, at its exit after everything else, how many objects are frozen.
PROBE_EXTENSION = """
import atexit, gc, json, os

def _seen(app):
    path = os.path.join(app.srcdir, "seen.json")
    state = {"threshold": gc.get_threshold(), "kernel_server": os.environ.get("VALOR_KERNEL_FORK")}
    atexit.register(lambda: open(path, "w").write(json.dumps({**state, "frozen": gc.get_freeze_count()})))

def setup(app):
    app.connect("builder-inited", _seen)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def probe_book(root):
    """A one-page book (no notebook) with the probe extension; returns its root."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(
        "title: Probe\nexecute:\n  execute_notebooks: 'off'\nsphinx:\n  local_extensions:\n    probe: .\n"
    )
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (root / "intro.md").write_text("# Probe\n\nOne page.\n")
    (root / "probe.py").write_text(PROBE_EXTENSION)
    return root


def seen(root) -> dict:
    import json

    return json.loads((root / "seen.json").read_text())


def test_sphinx_collects_garbage_rarely_and_exits_with_everything_frozen(tmp_path):
    root = probe_book(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "booktools.sphinx_build", str(root), "--path-output", str(root)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert tuple(seen(root)["threshold"]) == sphinx_build.GC_THRESHOLDS != (700, 10, 10)
    # frozen before the interpreter's teardown: its collections walk none of the objects
    assert seen(root)["frozen"] > 10_000, seen(root)


def test_the_reader_edition_starts_the_preloaded_process_before_sphinx(tmp_path, capsys):
    from booktools import build

    # the reader edition: kernels can fork from the preloaded process as Sphinx starts
    reader = probe_book(tmp_path / "reader")
    assert build.build_html(reader, reader / "work", preload_kernels=True) == 0, capsys.readouterr()
    assert seen(reader)["kernel_server"], "the preloaded process was not running as Sphinx started"
    # otherwise _ext/valor_kernels.py starts it when pages are to be read (none in this book)
    other = probe_book(tmp_path / "other")
    assert build.build_html(other, other / "work") == 0, capsys.readouterr()
    assert seen(other)["kernel_server"] is None


def test_reading_order_balances_sphinxs_chunks():
    import sys

    from book import ROOT

    sys.path.insert(0, str(ROOT / "_ext"))
    from sphinx.util.parallel import make_chunks
    from valor_deps import balance

    cost = {f"nb{k}": float(k) for k in range(1, 14)} | {f"page{k}": 0.1 for k in range(4)}
    docnames = sorted(cost)
    ordered = balance(docnames, cost, 2)
    assert sorted(ordered) == docnames
    chunks = make_chunks(ordered, 2)
    totals = [sum(cost[d] for d in chunk) for chunk in chunks]
    assert len(chunks) == 3 and totals[2] <= 0.1, "the chunk read last holds a cheap page"
    assert abs(totals[0] - totals[1]) <= 13, totals  # within one notebook of each other
    naive = [sum(cost[d] for d in chunk) for chunk in make_chunks(docnames, 2)]
    assert max(totals[:2]) < max(naive[0], naive[1]) + naive[2]


def test_quick_pages_make_sphinx_read_in_as_many_chunks_as_processes():
    import sys

    from book import ROOT

    sys.path.insert(0, str(ROOT / "_ext"))
    from sphinx.util.parallel import make_chunks
    from valor_deps import PARALLEL_FROM, pages_to_add

    for pages in range(2, 20):  # an edit that re-runs 2 to 19 notebooks
        total = pages + pages_to_add(pages, 2)
        assert total >= PARALLEL_FROM and total - pages <= 4, pages
        assert len(make_chunks(list(range(total)), 2)) == 2, f"{pages} pages: {total} read"
    assert pages_to_add(11, 2) == 1, "11 pages are cut 5 + 5 + 1: one more page makes 6 + 6"
    assert pages_to_add(43, 2) == 0, "a clean build: Sphinx's chunks are balanced instead"


def test_a_notebook_never_timed_costs_its_kernel_start_plus_a_share_per_code_cell():
    import sys

    from book import ROOT, notebook_docnames

    sys.path.insert(0, str(ROOT / "_ext"))
    from valor_deps import KERNEL_START_SECONDS, SECONDS_PER_CODE_CELL, estimated_seconds

    cell = "```{code-cell} ipython3\nx = 1\n```\n\nSome prose.\n\n"
    assert estimated_seconds("# A title\n") == KERNEL_START_SECONDS
    assert estimated_seconds(cell * 18) == pytest.approx(KERNEL_START_SECONDS + 18 * SECONDS_PER_CODE_CELL)
    # the book's notebooks differ in cost by more than a factor of two (counting them alone
    # treated them as equal: 33 s of notebooks in one of Sphinx's reading chunks, 22 s in the other)
    costs = [estimated_seconds((ROOT / f"{d}.md").read_text(encoding="utf-8")) for d in notebook_docnames()]
    assert max(costs) > 2 * min(costs)


def test_assumption_reads_are_logged_once_each_and_the_table_as_a_whole(monkeypatch, tmp_path):
    import importlib.util

    from book import ROOT

    from valor import assumptions, reads

    spec = importlib.util.spec_from_file_location("valor_deps", ROOT / "_ext" / "valor_deps.py")
    deps = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(deps)
    assert reads.LOG_ENV == kernel_trace.LOG_ENV and reads.ASSUMPTION == deps.ASSUMPTION

    log = tmp_path / "reads.txt"
    monkeypatch.setenv(reads.LOG_ENV, str(log))
    for _ in range(3):
        assert assumptions.ALPHA == assumptions.value("alpha") == 0.05
    assumptions.value("seed", override=7)  # an override reads no assumption
    assert log.read_text().split() == ["assumption:alpha"]
    assumptions.table_rows()
    assert "assumption:*" in log.read_text().split()


def test_a_page_that_documents_the_science_is_not_counted_as_quick():
    import sys

    from book import ROOT, notebook_docnames

    sys.path.insert(0, str(ROOT / "_ext"))
    from sphinx.util.parallel import make_chunks
    from valor_deps import (
        PAGE_SECONDS,
        SECONDS_PER_AUTODOC,
        balance,
        estimated_page_seconds,
        estimated_seconds,
    )

    assert estimated_page_seconds("# Glossary\n\nWords.\n") == PAGE_SECONDS
    page = "```{eval-rst}\n.. automodule:: valor.stats\n   :members:\n.. autofunction:: valor.fmt.p\n```\n"
    assert estimated_page_seconds(page) == pytest.approx(PAGE_SECONDS + 2 * SECONDS_PER_AUTODOC)
    assert estimated_page_seconds("```{automodule} valor.stats\n```\n") > PAGE_SECONDS
    # in a clean build of this book, the API reference is read with the notebooks, not last and alone
    pages = sorted(p.relative_to(ROOT).with_suffix("").as_posix() for p in (ROOT / "chapters").glob("*.md"))
    notebooks = set(notebook_docnames())
    cost = {
        d: (estimated_seconds if d in notebooks else estimated_page_seconds)(
            (ROOT / f"{d}.md").read_text(encoding="utf-8")
        )
        for d in pages
    }
    assert cost["chapters/api"] > 2.0
    chunks = make_chunks(balance(pages, cost, 2), 2)
    assert len(chunks) > 2 and all("chapters/api" not in chunk for chunk in chunks[2:])


def test_pages_added_to_read_in_parallel_are_the_quickest_to_read_not_the_shortest(tmp_path):
    import sys
    from types import SimpleNamespace

    from book import ROOT

    sys.path.insert(0, str(ROOT / "_ext"))
    from valor_deps import quick_pages

    pages = {
        "api": "".join(f"```{{automodule}} valor.m{i}\n```\n" for i in range(5)),  # short, slow
        "glossary": "# Glossary\n\n" + "A word, explained at length. " * 80,
        "license": "# Licence\n\nCC BY 4.0.\n",
        "reading": "# To read\n",
    }
    for name, text in pages.items():
        (tmp_path / f"{name}.md").write_text(text, encoding="utf-8")
    assert len(pages["api"]) < len(pages["glossary"])
    env = SimpleNamespace(found_docs=set(pages), doc2path=lambda d: tmp_path / f"{d}.md")
    # the API reference (3 s) padded in beside two notebooks put both in one reading chunk
    assert quick_pages(SimpleNamespace(env=env), ["reading"], 2) == ["license", "glossary"]
