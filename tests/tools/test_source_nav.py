"""_ext/valor_sourcenav.py: the source pages' navigation is built once per folder and
reads as Sphinx builds it on each page.

A small Sphinx project in the book's theme: two pages in its toctree, and a package
documented with viewcode whose three modules lie in two folders, so that viewcode
writes ``_modules/index`` and source pages at two depths. Built with and without the
extension, counting Sphinx's toctree builds for the source pages."""

from __future__ import annotations

import collections
import io
import sys
from unittest import mock

from book import fresh_page

PAGES = {
    "index.rst": "Book\n====\n\n.. toctree::\n\n   a\n   b\n",
    "a.rst": "A\n=\n\n.. automodule:: pkg.one\n   :members:\n\n.. automodule:: pkg.two\n   :members:\n",
    "b.rst": "B\n=\n\n.. automodule:: pkg.sub.three\n   :members:\n",
}
MODULES = {
    "pkg/__init__.py": "",
    "pkg/one.py": 'def one():\n    """One."""\n    return 1\n',
    "pkg/two.py": 'def two():\n    """Two."""\n    return 2\n',
    "pkg/sub/__init__.py": "",
    "pkg/sub/three.py": 'def three():\n    """Three."""\n    return 3\n',
}
SOURCE_PAGES = ["_modules/index", "_modules/pkg/one", "_modules/pkg/two", "_modules/pkg/sub/three"]
CONF = (
    "import sys, pathlib\nsys.path.insert(0, str(pathlib.Path(__file__).parent))\n"
    "extensions = ['sphinx.ext.autodoc', 'sphinx.ext.viewcode', 'sphinx_book_theme'{extra}]\n"
    "html_theme = 'sphinx_book_theme'\n"
)


def build(folder, extensions: list[str]) -> tuple[dict[str, str], collections.Counter]:
    """Build the project with ``extensions``; (page -> its sidebar navigation's HTML,
    docname -> how often Sphinx built the global toctree for it)."""
    import sphinx.builders.html
    from sphinx.testing.util import SphinxTestApp

    for name, text in {**PAGES, **MODULES}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    (folder / "conf.py").write_text(CONF.format(extra="".join(f", {e!r}" for e in extensions)))
    built = collections.Counter()
    original = sphinx.builders.html.global_toctree_for_doc

    def counted(env, docname, *args, **kwargs):
        built[docname] += 1
        return original(env, docname, *args, **kwargs)

    warnings = io.StringIO()
    app = SphinxTestApp("html", srcdir=folder, status=io.StringIO(), warning=warnings)
    try:
        with mock.patch.object(sphinx.builders.html, "global_toctree_for_doc", counted):
            app.build()
    finally:
        app.cleanup()
        for name in [m for m in sys.modules if m == "pkg" or m.startswith("pkg.")]:
            del sys.modules[name]  # the second project's package is imported afresh
    assert not warnings.getvalue(), warnings.getvalue()
    navs = {page: sidebar_nav(app.outdir / f"{page}.html") for page in ["a", "b", *SOURCE_PAGES]}
    return navs, built


def sidebar_nav(page) -> str:
    nav = fresh_page(page).select_one("nav.bd-docs-nav")
    assert nav is not None and nav.select("a.reference"), f"{page}: no navigation in the sidebar"
    return str(nav)


def test_source_pages_share_each_folders_navigation_which_reads_as_sphinx_builds_it(tmp_path, ext_path):
    plain, plain_built = build(tmp_path / "plain", [])
    shared, shared_built = build(tmp_path / "shared", ["valor_sourcenav"])
    assert {page: plain_built[page] for page in SOURCE_PAGES} == dict.fromkeys(SOURCE_PAGES, 1)
    # one source page per folder asks Sphinx: _modules, _modules/pkg, _modules/pkg/sub
    assert sum(shared_built[page] for page in SOURCE_PAGES) == 3, shared_built
    assert shared == plain, "each page's navigation is the one Sphinx builds for it"
    # the links are relative to each page's folder
    assert 'href="../a.html"' in shared["_modules/index"]
    assert 'href="../../../a.html"' in shared["_modules/pkg/sub/three"]
    # the pages in the toctree mark themselves current: Sphinx built each one's navigation
    assert 'class="current reference internal" href="#"' in shared["b"]
    assert shared_built["a"] == plain_built["a"] >= 1 and shared_built["b"] == plain_built["b"] >= 1
