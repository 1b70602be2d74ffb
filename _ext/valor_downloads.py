"""Every notebook page links its executed notebook (.ipynb) and its source.

For the HTML builder only (the single-page build behind the PDF has no downloads):

* the executed notebook that myst-nb wrote (``jupyter_execute/<page>.ipynb``) is
  copied to ``_sources/<page>.ipynb``, beside the source Sphinx copies there;
* a line under the page title links both (class ``valor-downloads``), and the
  theme's download menu gains the ``.ipynb`` (``ipynb_source`` in the page context);
* in the student edition (``valor_solutions.hides_solutions``), the notebook and
  every source under ``_sources/`` are written without their solutions.
"""

from __future__ import annotations

import html
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.util import logging
from sphinx.util.osutil import relative_uri
from valor_solutions import hides_solutions

from booktools.teaching import strip_notebook_solutions, strip_solutions

logger = logging.getLogger(__name__)
BUILDERS = ("html",)


def _executed_notebook(app, docname: str) -> Path:
    # myst-nb writes executed notebooks to <outdir>/../jupyter_execute
    return Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"


def _is_notebook(app, docname: str) -> bool:
    return "kernelspec" in app.env.metadata.get(docname, {})


def _source_name(app, docname: str) -> str:
    return docname + Path(app.env.doc2path(docname)).suffix + app.config.html_sourcelink_suffix


def _doctree_resolved(app, doctree, docname):
    if app.builder.name not in BUILDERS or not _is_notebook(app, docname):
        return
    executed = _executed_notebook(app, docname)
    if not executed.exists():
        logger.warning(f"no executed notebook for {docname} at {executed}", location=docname)
        return
    target = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(executed, as_version=4)
    if hides_solutions(app.config):
        nb = strip_notebook_solutions(nb)
    nbformat.write(nb, target)

    page = app.builder.get_target_uri(docname)
    notebook_url = relative_uri(page, f"_sources/{docname}.ipynb")
    source_name = _source_name(app, docname)
    source_url = relative_uri(page, f"_sources/{source_name}")
    stem = docname.rsplit("/", 1)[-1]
    note = " Solutions are left out of this edition." if hides_solutions(app.config) else ""
    markup = (
        '<p class="valor-downloads">Download this chapter: '
        f'<a class="valor-download-notebook" href="{html.escape(notebook_url)}" download>'
        f"executed notebook ({html.escape(stem)}.ipynb)</a> · "
        f'<a class="valor-download-source" href="{html.escape(source_url)}" download>'
        f"source ({html.escape(Path(source_name).name)})</a>.{note}</p>"
    )
    section = next(iter(doctree.findall(nodes.section)), None)
    title = section.next_node(nodes.title) if section is not None else None
    if title is None:
        logger.warning(f"{docname} has no title: downloads not linked", location=docname)
        return
    section.insert(section.index(title) + 1, nodes.raw("", markup, format="html"))


def _html_page_context(app, pagename, templatename, context, doctree):
    # Before sphinx-book-theme's header buttons (priority 501) read it.
    if app.builder.name in BUILDERS and doctree is not None and _is_notebook(app, pagename):
        if (Path(app.outdir) / "_sources" / f"{pagename}.ipynb").exists():
            context["ipynb_source"] = f"{pagename}.ipynb"


def _build_finished(app, exception):
    # Sphinx copies each page's source to _sources/ as it writes the page; in the
    # student edition, take the solutions out of every copy afterwards.
    if exception is not None or app.builder.name not in BUILDERS or not hides_solutions(app.config):
        return
    for path in sorted((Path(app.outdir) / "_sources").rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt"):
            text = path.read_text(encoding="utf-8")
            stripped = strip_solutions(text)
            if stripped != text:
                path.write_text(stripped, encoding="utf-8")


def setup(app):
    app.setup_extension("valor_solutions")  # for the student_edition config value
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("html-page-context", _html_page_context, priority=400)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
