"""Accessibility fixes the book applies to Sphinx's own HTML (found by axe-core).

docutils writes a citation list as ``<div role="list">`` whose entries carry the
deprecated ARIA role ``doc-biblioentry``; a list may only hold list items
(axe-core: aria-required-children, critical). The entries become list items.
Theme-level fixes live in ``_templates/components/`` (see the notes there).
"""
from __future__ import annotations


def _page_context(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
