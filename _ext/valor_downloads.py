"""Every notebook page links its executed notebook (.ipynb) and its source.

For the HTML builder only (the single-page build behind the PDF has no downloads):

* the executed notebook that myst-nb wrote (``jupyter_execute/<page>.ipynb``) is
  copied to ``_sources/<page>.ipynb``, beside the source Sphinx copies there;
* a line under the page title links both (class ``valor-downloads``), and the
  theme's download menu gains the ``.ipynb`` (``ipynb_source`` in the page context);
* the line also links the edition's notebook pack (``_downloads/``, made by
  ``booktools.pack`` after the build), and the ``{notebook-packs}`` directive lists
  the packs the edition offers (the Downloads page);
* in the student edition (``valor_solutions.hides_solutions``), the notebook and
  every source under ``_sources/`` are written without their solutions.
"""

from __future__ import annotations

import html
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri
from valor_solutions import INSTRUCTORS_ONLY, hides_solutions, is_for_instructors

from booktools.pack import DATA_DOWNLOADS, PAGES_WRITTEN, pack_name
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


class notebook_packs(nodes.General, nodes.Element):
    """Where the list of the edition's notebook packs goes (the edition is known only when writing)."""


class NotebookPacks(SphinxDirective):
    """``{notebook-packs}``: the notebook packs this edition offers, as a list of links."""

    def run(self):
        return [notebook_packs()]


PACK_DESCRIPTIONS = {
    "reader": "every chapter with its exercises and their solutions",
    "student": "every chapter with its exercises, without solutions and without the pages for instructors",
}


def _list_packs(app, doctree, docname):
    editions = ["student"] if hides_solutions(app.config) else ["reader", "student"]
    for node in list(doctree.findall(notebook_packs)):
        items = []
        for edition in editions:
            name = pack_name(app.config.html_context["valor_version"], edition)
            if app.builder.name in BUILDERS:
                url = relative_uri(app.builder.get_target_uri(docname), f"_downloads/{name}")
                link = f'<a class="valor-download-pack" href="{html.escape(url)}" download>{html.escape(name)}</a>'
            else:
                link = f"<code>{html.escape(name)}</code>"
            items.append(f"<li>{link}: {html.escape(PACK_DESCRIPTIONS[edition])}.</li>")
        node.replace_self(nodes.raw("", f'<ul class="valor-packs">{"".join(items)}</ul>', format="html"))


class data_tables(nodes.General, nodes.Element):
    """Where the list of the data tables goes (links are relative to the page being written)."""


class DataTables(SphinxDirective):
    """``{data-tables}``: every table of data/manifest.yml with links to its CSV and its
    manifest entry (written to ``_downloads/data/`` by ``booktools.pack``)."""

    def run(self):
        # the list is the manifest's: a table added there re-writes this page
        self.env.note_dependency(str(Path(self.env.srcdir) / "data" / "manifest.yml"))
        return [data_tables()]


def _list_tables(app, doctree, docname):
    import yaml

    nodes_ = list(doctree.findall(data_tables))
    if not nodes_:
        return
    manifest = yaml.safe_load((Path(app.srcdir) / "data" / "manifest.yml").read_text(encoding="utf-8"))
    page = app.builder.get_target_uri(docname)
    rows = []
    for name, entry in manifest["tables"].items():
        csv = relative_uri(page, f"{DATA_DOWNLOADS}/{entry['file']}")
        described = relative_uri(page, f"{DATA_DOWNLOADS}/{name}.manifest.yml")
        rows.append(
            f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(entry.get('title', ''))}</td>"
            f'<td><a href="{html.escape(csv)}" download>{html.escape(entry["file"])}</a></td>'
            f'<td><a href="{html.escape(described)}" download>{html.escape(name)}.manifest.yml</a></td></tr>'
        )
    table = (
        # in the theme's scroll container, as every other table: it scrolls on a phone
        '<div class="pst-scrollable-table-container">'
        '<table class="table valor-data-tables"><thead><tr><th scope="col">Table</th><th scope="col">What it holds</th>'
        '<th scope="col">Data (CSV)</th><th scope="col">Manifest entry</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    for node in nodes_:
        node.replace_self(nodes.raw("", table, format="html"))


def _doctree_resolved(app, doctree, docname):
    _list_packs(app, doctree, docname)
    _list_tables(app, doctree, docname)
    if app.builder.name not in BUILDERS or not _is_notebook(app, docname):
        return
    if hides_solutions(app.config) and is_for_instructors(docname):
        # nothing of an instructors' page to download in the student edition (not even a
        # notebook an earlier build of this work folder left there)
        (Path(app.outdir) / "_sources" / f"{docname}.ipynb").unlink(missing_ok=True)
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
    pack = pack_name(
        app.config.html_context["valor_version"], "student" if hides_solutions(app.config) else "reader"
    )
    pack_url = relative_uri(page, f"_downloads/{pack}")
    markup = (
        '<p class="valor-downloads">Download this chapter: '
        f'<a class="valor-download-notebook" href="{html.escape(notebook_url)}" download>'
        f"executed notebook ({html.escape(stem)}.ipynb)</a> · "
        f'<a class="valor-download-source" href="{html.escape(source_url)}" download>'
        f"source ({html.escape(Path(source_name).name)})</a> · "
        f'<a class="valor-download-pack" href="{html.escape(pack_url)}" download>'
        f"every chapter, with data, ready to run ({html.escape(pack)})</a>.{note}</p>"
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


def _pages_written(app):
    # booktools.build makes the packs from here on, beside Sphinx's last phase
    if app.builder.name in BUILDERS:
        print(PAGES_WRITTEN, flush=True)
    return []


def _build_finished(app, exception):
    # Sphinx copies each page's source to _sources/ as it writes the page; in the
    # student edition, take the solutions out of every copy afterwards.
    if exception is not None or app.builder.name not in BUILDERS or not hides_solutions(app.config):
        return
    sources = Path(app.outdir) / "_sources"
    for path in sorted(sources.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt"):
            text = path.read_text(encoding="utf-8")
            docname = path.relative_to(sources).as_posix().split(".")[0]
            stripped = INSTRUCTORS_ONLY + "\n" if is_for_instructors(docname) else strip_solutions(text)
            if stripped != text:
                path.write_text(stripped, encoding="utf-8")


def setup(app):
    app.setup_extension("valor_solutions")  # for the student_edition config value
    app.add_node(notebook_packs)
    app.add_directive("notebook-packs", NotebookPacks)
    app.add_node(data_tables)
    app.add_directive("data-tables", DataTables)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("html-page-context", _html_page_context, priority=400)
    app.connect("html-collect-pages", _pages_written, priority=100)  # before viewcode's (500)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
