"""Accessibility fixes the book applies to Sphinx's own HTML (found by axe-core).

docutils writes a citation list as ``<div role="list">`` whose entries carry the
deprecated ARIA role ``doc-biblioentry``; a list may only hold list items
(axe-core: aria-required-children, critical). The entries become list items.

myst-nb writes the toggle of a hidden code cell as ``<summary aria-label="Toggle
hidden content">`` around the visible text "Show code cell source"; the label
hides that text from the accessible name (axe-core: label-content-name-mismatch,
serious). Without the label the name is the visible text.
Theme-level fixes live in ``_templates/components/`` (see the notes there).
"""

from __future__ import annotations


def _page_context(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"').replace(
            '<summary aria-label="Toggle hidden content">', "<summary>"
        )


def setup(app):
    app.connect("html-page-context", _page_context)
    # Bump env_version when these fixes change, so that every page is rebuilt.
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
