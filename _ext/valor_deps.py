"""Re-execute exactly the chapters whose inputs changed, several at a time.

A notebook executes whenever Sphinx re-reads it: just before Sphinx reads
anything, ``booktools.execute`` runs every notebook about to be re-read in parallel
(one kernel each) and stores the outputs in myst-nb's jupyter-cache (``execute_notebooks:
cache``), where myst-nb finds them when it reads the page. Sphinx re-reads a
page when its source or a noted dependency changes; this extension notes, per
page:

* every file the page's kernel read through ``valor.data`` (recorded at run
  time through $VALOR_READS_LOG, so a table loaded inside a helper counts);
* every ``valor/*.py`` file, when the page imports ``valor``.

It also writes ``valor_execution.json`` in the doctree folder: which notebooks
this build executed and which it reused.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from booktools import execute

IMPORTS_VALOR = re.compile(r"^\s*(?:from|import)\s+valor\b", re.M)
IS_NOTEBOOK = re.compile(r"^\s*format_name:\s*myst\s*$|^\s*file_format:\s*mystnb\s*$", re.M)


_reads_log = execute.reads_log


def _relative(app, path: Path) -> str:
    """Sphinx joins dependencies with the source dir: give it relative paths."""
    return os.path.relpath(path, app.srcdir)


def _source_read(app, docname, source):
    text = source[0]
    if not IS_NOTEBOOK.search(text.split("\n---", 1)[0] if text.startswith("---") else ""):
        return
    if docname not in getattr(app.env, "valor_preexecuted", {}):
        # Not executed by the pool: myst-nb executes it now; record its reads.
        app.env.valor_executed = getattr(app.env, "valor_executed", set()) | {docname}
        log = _reads_log(app, docname)
        log.write_text("", encoding="utf-8")
        os.environ["VALOR_READS_LOG"] = str(log)
    if IMPORTS_VALOR.search(text):
        package = Path(app.srcdir) / "valor"
        for module in sorted(package.rglob("*.py")):
            app.env.note_dependency(_relative(app, module))


def _doctree_read(app, doctree):
    docname = app.env.docname
    if docname in getattr(app.env, "valor_preexecuted", {}):
        execute.restore_counts(
            app.env.mystnb_config.execution_cache_path,
            str(Path(app.env.doc2path(docname))),
            Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb",
        )
    log = _reads_log(app, docname)
    if os.environ.get("VALOR_READS_LOG") == str(log):
        del os.environ["VALOR_READS_LOG"]
    if log.exists():
        for line in sorted(set(log.read_text(encoding="utf-8").split())):
            app.env.note_dependency(_relative(app, Path(line)))


def _builder_inited(app):
    app.env.valor_executed = set()
    app.env.valor_preexecuted = {}


def _before_read_docs(app, env, docnames):
    """Execute, in parallel, every notebook Sphinx is about to re-read."""
    if app.config.nb_execution_mode != "cache":
        return  # myst-nb executes serially while reading (force mode)
    try:
        seconds = execute.execute_for_sphinx(app, list(docnames))
    except execute.NotebookFailed as failure:
        import sys

        print(failure.details, file=sys.stderr, flush=True)
        raise
    env.valor_preexecuted = seconds
    env.valor_executed = set(getattr(env, "valor_executed", set())) | set(seconds)


def _build_finished(app, exception):
    if exception is not None:
        return
    notebooks = []
    for docname in sorted(app.env.found_docs):
        path = Path(app.env.doc2path(docname))
        head = path.read_text(encoding="utf-8").split("\n---", 1)[0] if path.suffix == ".md" else ""
        if head.startswith("---") and IS_NOTEBOOK.search(head):
            notebooks.append(docname)
    executed = sorted(getattr(app.env, "valor_executed", set()) & set(notebooks))
    report = {
        "executed": executed,
        "reused": [d for d in notebooks if d not in executed],
        "seconds": dict(getattr(app.env, "valor_preexecuted", {})),
    }
    (Path(app.doctreedir) / "valor_execution.json").write_text(json.dumps(report, indent=1))


def setup(app):
    app.connect("builder-inited", _builder_inited)
    app.connect("env-before-read-docs", _before_read_docs)
    app.connect("source-read", _source_read)
    app.connect("doctree-read", _doctree_read)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": False, "parallel_write_safe": True, "env_version": 1}
