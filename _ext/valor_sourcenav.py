"""The book's navigation on the source pages, built once per folder.

sphinx.ext.viewcode writes a page of highlighted source for each module of the science
(``_modules/valor/...``), one after another at the end of a build. No toctree lists
those pages, so the navigation the theme puts in their sidebar marks no page as
current, and on pages of one folder its relative links are the same: Sphinx's template
function ``toctree``, which the theme calls, returns the same HTML for each of them.
It is built once per folder here instead of once per page (about 0.07 s a page; the
book has 21 source pages in three folders).
"""

from __future__ import annotations

import posixpath

SOURCE_PAGES = "_modules/"
_built: dict[tuple, str] = {}  # (folder, options) -> the toctree's HTML, this build's


def _forget(app):
    _built.clear()  # a new build: its toctrees may differ


def share_navigation(app, pagename, templatename, context, doctree):
    """On a source page, ``toctree(**options)`` answers from the folder's first answer."""
    if not pagename.startswith(SOURCE_PAGES) or "toctree" not in context:
        return
    build_toctree = context["toctree"]
    folder = posixpath.dirname(pagename)

    def toctree(**options):
        key = (folder, tuple(sorted(options.items())))
        if key not in _built:
            _built[key] = build_toctree(**options)
        return _built[key]

    context["toctree"] = toctree


def setup(app):
    app.connect("builder-inited", _forget)
    # before the theme's handlers (priority 500), which build the sidebar with toctree()
    app.connect("html-page-context", share_navigation, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
