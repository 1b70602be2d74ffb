"""Re-execute exactly the chapters whose inputs changed.

myst-nb executes a notebook whenever Sphinx reads it (``execute_notebooks: force``);
Sphinx re-reads a page when its source or a noted dependency changed. This
extension notes, per page, what its kernel really used, as recorded at run time in
the page's log (``$VALOR_READS_LOG``, set while the page is read):

* every file read through ``valor.data`` (a table loaded inside a helper counts);
* every module of the ``valor`` package the kernel imported, in any sub-package
  (``booktools.kernel_trace``, installed at kernel start by the build);
* every modelling assumption read through ``valor.assumptions`` (``valor.reads``):
  the page depends on that assumption's stamp file, rewritten only when its value
  changes, instead of on ``valor/assumptions.py`` as a whole. A page that shows the
  whole table of assumptions (``assumption:*``) depends on the module itself.

So editing a module no kernel imported (the machinery, ``booktools``) re-executes
nothing, and editing one science module re-executes the chapters that imported it.

A page depends on those files through content stamps (``valor_stamps/`` in the doctree
folder: one per file, holding its SHA-256, rewritten only when the content changed), not
on the files themselves: Sphinx compares modification times, so a file saved unchanged,
or an edit undone (``git stash`` and back), would re-execute every page that read it.

It also writes ``valor_execution.json`` in the doctree folder: the notebooks this
build executed (with myst-nb's run times and end times) and those it reused. The extension is
parallel-safe: each reading process keeps its own environment variable and log.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from booktools.kernel_trace import LOG_ENV

ASSUMPTION = "assumption:"  # as valor.reads.ASSUMPTION (a test holds them equal)
ASSUMPTIONS_MODULE = Path("valor") / "assumptions.py"

# Extensions JB1 loads that declare nothing about parallel reading, so Sphinx would read
# one page at a time (and -W fails on its "doing serial read" warning). Both are safe:
PARALLEL_SAFE_ELSEWHERE = {
    # renumbers sections after reading, in the main process only;
    "sphinx_multitoc_numbering",
    # its read-time transforms change each page's own doctree, never shared state.
    "sphinx_jupyterbook_latex",
}


def reads_log(app, docname: str) -> Path:
    """The file where a page's kernel records the data files and modules it used."""
    folder = Path(app.doctreedir) / "valor_reads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / (docname.replace("/", "__") + ".txt")


def assumption_stamps(app) -> Path:
    return Path(app.doctreedir) / "valor_assumptions"


def assumption_values(srcdir: Path) -> dict[str, str]:
    """Each assumption's value, as text, from the book's own ``valor/assumptions.py``
    (loaded from its file: the installed ``valor`` may be another checkout's)."""
    import importlib.util
    import sys

    name = "_valor_assumptions_of_book"
    spec = importlib.util.spec_from_file_location(name, srcdir / ASSUMPTIONS_MODULE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return {a.name: repr(a.value) for a in module._ALL}


def write_assumption_stamps(app) -> None:
    """One file per assumption holding its value, rewritten only when the value changed,
    so that its modification time says when the value last changed."""
    for name, text in assumption_values(Path(app.srcdir)).items():
        restamp(assumption_stamps(app) / f"{name}.txt", text)


def restamp(stamp: Path, text: str) -> None:
    """Write ``text`` to ``stamp`` unless it holds it already: its modification time then
    says when the text last changed."""
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != text:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(text, encoding="utf-8")


def dependencies(app, entries: set[str]) -> set[str]:
    """The files a page depends on, from its log's entries, relative to the source folder:
    the content stamp of each file it read or imported, the stamp of each assumption."""
    module = str((Path(app.srcdir) / ASSUMPTIONS_MODULE).resolve())
    names = {e[len(ASSUMPTION) :] for e in entries if e.startswith(ASSUMPTION)}
    files = {e for e in entries if not e.startswith(ASSUMPTION)}
    stamps = set()
    if "*" not in names:
        files.discard(module)
        stamps = {str(assumption_stamps(app) / f"{name}.txt") for name in names}
    stamps |= {str(content_stamp(app, Path(f))) for f in files}
    # Sphinx joins dependencies with the source folder: give it relative paths.
    return {os.path.relpath(f, app.srcdir) for f in stamps}


def content_stamps(app) -> Path:
    return Path(app.doctreedir) / "valor_stamps"


def content_stamp(app, path: Path) -> Path:
    """The stamp of a file in the source folder (created holding its digest); a file
    outside it is its own stamp."""
    relative = Path(os.path.relpath(path, app.srcdir))
    if relative.parts[:1] == ("..",):
        return path
    stamp = content_stamps(app) / f"{relative}.sha256"
    if not stamp.exists():  # kept as it is otherwise: only refresh_content_stamps rewrites it
        restamp(stamp, digest(path))
    return stamp


def digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


def refresh_content_stamps(app) -> None:
    """Rewrite the stamp of each file whose content changed since it was stamped (its new
    modification time then marks its readers outdated); others keep theirs."""
    folder = content_stamps(app)
    for stamp in folder.rglob("*.sha256") if folder.is_dir() else ():
        restamp(stamp, digest(Path(app.srcdir) / stamp.relative_to(folder).with_suffix("")))


def _is_notebook(app, docname: str) -> bool:
    from myst_nb.core.read import is_myst_markdown_notebook

    path = Path(app.env.doc2path(docname))
    return path.suffix == ".md" and is_myst_markdown_notebook(path.read_text(encoding="utf-8"))


# A notebook never timed (every notebook of a clean build): its kernel's start plus a share
# per code cell. Rough (this book's notebooks ran 1.0 to 7.0 s in a clean build, 2 cores),
# but it orders them by cost where counting them alone put 33 s of notebooks in one
# reading chunk and 22 s in the other.
KERNEL_START_SECONDS, SECONDS_PER_CODE_CELL = 1.0, 0.2


def estimated_seconds(source: str) -> float:
    """What a never-timed notebook with this MyST source costs to run, roughly."""
    return KERNEL_START_SECONDS + SECONDS_PER_CODE_CELL * source.count("```{code-cell}")


# A page without a notebook is quick, unless it documents the science with autodoc: its
# reading process then imports valor (pandas, scipy) and documents each module (the API
# reference, 21 directives, was read in 3.0 s, last and alone, while it counted as quick).
PAGE_SECONDS, SECONDS_PER_AUTODOC = 0.1, 0.14
AUTODOC = re.compile(r"^(?:\.\. |```\{)auto\w+(?:::|\})", re.M)


def estimated_page_seconds(source: str) -> float:
    """What reading a page without a notebook costs, roughly."""
    return PAGE_SECONDS + SECONDS_PER_AUTODOC * len(AUTODOC.findall(source))


def balance(docnames: list[str], cost: dict[str, float], nproc: int) -> list[str]:
    """``docnames`` ordered so that Sphinx's reading chunks take about equal time.

    Sphinx cuts the list into contiguous chunks (``make_chunks``) and reads ``nproc``
    at a time; a chunk beyond the first ``nproc`` starts only when one ends. So the
    cheapest pages go to those late chunks, and the rest, dearest first, each to the
    least loaded of the first ``nproc`` chunks that has room.
    """
    from sphinx.util.parallel import make_chunks

    sizes = [len(chunk) for chunk in make_chunks(docnames, nproc)]
    chunks: list[list[str]] = [[] for _ in sizes]
    totals = [0.0] * len(sizes)
    by_cost = sorted(docnames, key=lambda d: (cost.get(d, 0.0), d))
    for i in range(nproc, len(sizes)):
        chunks[i], by_cost = by_cost[: sizes[i]], by_cost[sizes[i] :]
    for docname in reversed(by_cost):
        room = [i for i in range(min(nproc, len(sizes))) if len(chunks[i]) < sizes[i]]
        i = min(room, key=lambda k: totals[k])
        chunks[i].append(docname)
        totals[i] += cost.get(docname, 0.0)
    return [d for chunk in chunks for d in chunk]


# Sphinx reads pages in parallel only when more than this many are to be read (Builder.read).
PARALLEL_FROM = 6


def quick_pages(app, docnames: list[str], how_many: int) -> list[str]:
    """``how_many`` pages that are not to be read and run no notebook, the quickest to read
    first (a short page can be slow: the API reference's autodoc imports the science)."""
    others = sorted(set(app.env.found_docs) - set(docnames))
    pages = [d for d in others if not _is_notebook(app, d)]
    sources = {d: Path(app.env.doc2path(d)).read_text(encoding="utf-8") for d in pages}
    return sorted(pages, key=lambda d: (estimated_page_seconds(sources[d]), len(sources[d]), d))[:how_many]


def pages_to_add(pages: int, nproc: int) -> int:
    """How many quick pages to add to ``pages`` pages to read so that Sphinx reads them in
    parallel (more than five) and cuts them into exactly ``nproc`` chunks, so that no
    chunk starts only when another ends (11 pages are cut 5 + 5 + 1; 12, 6 + 6). 0 if
    no handful of pages does that (many pages: the balance orders them instead)."""
    from sphinx.util.parallel import make_chunks

    for total in range(max(pages, PARALLEL_FROM), max(pages, PARALLEL_FROM) + nproc):
        if len(make_chunks(list(range(total)), nproc)) == nproc:
            return total - pages
    return max(0, PARALLEL_FROM - pages)


def pad_to_read_in_parallel(app, docnames: list[str]) -> None:
    """Two or more notebooks to run: add quick pages without a notebook so that they run
    at once (Sphinx reads up to five pages serially) in as many chunks as processes.
    The env-before-read-docs event lets extensions add pages to read."""
    notebooks = sum(_is_notebook(app, d) for d in docnames)
    if app.parallel > 1 and notebooks > 1:
        docnames += quick_pages(app, docnames, pages_to_add(len(docnames), app.parallel))


def _before_read_docs(app, env, docnames):
    for name in PARALLEL_SAFE_ELSEWHERE & set(app.extensions):
        app.extensions[name].parallel_read_safe = True
    env.valor_reading = sorted(docnames)
    pad_to_read_in_parallel(app, docnames)
    if not (app.parallel > 1 and len(docnames) >= PARALLEL_FROM):  # Sphinx reads serially
        env.valor_chunks = [list(docnames)]
        return
    from sphinx.util.parallel import make_chunks

    # last build's execution times; a notebook never timed, or a page, is estimated
    known = getattr(env, "valor_seconds", {})
    cost = {d: known.get(d) or _never_timed_cost(app, d) for d in docnames}
    docnames[:] = balance(list(docnames), cost, app.parallel)
    env.valor_chunks = make_chunks(list(docnames), app.parallel)  # each reading process's pages


def _never_timed_cost(app, docname: str) -> float:
    source = Path(app.env.doc2path(docname)).read_text(encoding="utf-8")
    return estimated_seconds(source) if _is_notebook(app, docname) else estimated_page_seconds(source)


def _source_read(app, docname, source):
    log = reads_log(app, docname)
    log.write_text("", encoding="utf-8")
    os.environ[LOG_ENV] = str(log)  # the kernel myst-nb starts for this page inherits it


def _doctree_read(app, doctree):
    log = reads_log(app, app.env.docname)
    if os.environ.get(LOG_ENV) == str(log):
        del os.environ[LOG_ENV]
    if not log.exists():
        return
    for path in sorted(dependencies(app, set(log.read_text(encoding="utf-8").split()))):
        app.env.note_dependency(path)


def _merge_info(app, env, docnames, other):
    # myst-nb's flag that the execution table must be refreshed lives per process.
    if getattr(other, "nb_new_exec_data", False):
        env.nb_new_exec_data = True


def _build_finished(app, exception):
    if exception is not None:
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    env = app.env
    notebooks = [d for d in sorted(env.found_docs) if _is_notebook(app, d)]
    executed = sorted(set(getattr(env, "valor_reading", [])) & set(notebooks))
    runs = {d: NbMetadataCollector.get_exec_data(env, d) or {} for d in executed}
    runs = {d: run for d, run in runs.items() if run.get("runtime") is not None}
    env.valor_seconds = {
        **getattr(env, "valor_seconds", {}),
        **{d: run["runtime"] for d, run in runs.items()},
    }
    report = {
        "executed": executed,
        "reused": [d for d in notebooks if d not in executed],
        "seconds": {d: round(run["runtime"], 2) for d, run in runs.items()},
        # when each finished (a timestamp) and how long it ran: shows which ran at once
        "finished": {d: [run["mtime"], run["runtime"]] for d, run in runs.items()},
        # the pages each reading process read (Sphinx reads the first ones at once)
        "chunks": getattr(env, "valor_chunks", []),
    }
    (Path(app.doctreedir) / "valor_execution.json").write_text(json.dumps(report, indent=1))


def setup(app):
    # before Sphinx compares dependencies' times with its pages' (Builder.read)
    app.connect("builder-inited", write_assumption_stamps)
    app.connect("builder-inited", refresh_content_stamps)
    app.connect("env-before-read-docs", _before_read_docs)
    app.connect("source-read", _source_read)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-merge-info", _merge_info)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 3}
