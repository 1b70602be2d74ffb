"""Mark each ``{glue:text}`` value with the key it pastes.

myst-nb renders ``{glue:text}`key``` as ``<span class="pasted-text">value</span>``,
without the key, so a test can only look for a value somewhere on the page. This
extension keeps myst-nb's role and adds the key to its span
(``<span class="pasted-text" data-glue-key="key">``), so that each value can be
checked in the element its own reference rendered (tests/site/test_glue_keys.py).
References to another document's glue (``doc::key``) are left as myst-nb makes them.
"""

from __future__ import annotations

from docutils import nodes
from myst_nb.ext.glue.roles import PasteTextRole


class glue_text(nodes.inline):  # noqa: N801 (docutils names node classes in lower case)
    """An inline pasted by ``{glue:text}``, with its key in ``node["glue_key"]``."""


class KeyedPasteTextRole(PasteTextRole):
    """myst-nb's ``glue:text`` role; its inline carries the glue key."""

    def run(self):
        pasted, messages = super().run()
        key = self.text.rsplit(":", 1)[0]  # as myst-nb reads it: key[:format]
        marked = []
        for node in pasted:
            if isinstance(node, nodes.inline) and "pasted-text" in node["classes"]:
                keyed = glue_text(node.rawsource, "", *node.children, **node.attributes)
                keyed["glue_key"] = key
                keyed.source, keyed.line = node.source, node.line
                node = keyed
            marked.append(node)
        return marked, messages


def visit_glue_text_html(self, node):
    self.body.append(self.starttag(node, "span", "", **{"data-glue-key": node["glue_key"]}))


def depart_glue_text_html(self, node):
    self.body.append("</span>")


def visit_as_inline(self, node):
    self.visit_inline(node)


def depart_as_inline(self, node):
    self.depart_inline(node)


def setup(app):
    app.setup_extension("myst_nb")
    html = (visit_glue_text_html, depart_glue_text_html)
    other = (visit_as_inline, depart_as_inline)
    app.add_node(glue_text, html=html, singlehtml=html, latex=other, text=other, man=other, texinfo=other)
    app.add_role_to_domain("glue", "text", KeyedPasteTextRole(), override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
