"""Two compatibility shims for Jupyter Book 1.

1. Register myst-nb's hide-input node for the single-page builder (used by the PDF).

myst-nb registers ``HideCodeCellNode`` for the ``html`` builder only. Sphinx looks up
a node's visitors by builder name first and falls back to the format only when no
extension registered anything for that name; another extension registers
``singlehtml`` handlers, so the single-page build fails on any ``hide-input`` cell.

2. Accept ``comments_config``. JB1 always passes it (its default ``html.comments``,
mapped in ``jupyter_book/config.py``), and without the ``sphinx_comments``
extension, which adds nothing to this book's pages, Sphinx warns "unknown config
value", an error under ``-W``.
"""

from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput


def setup(app):
    app.add_node(
        HideCodeCellNode,
        override=True,
        html=(visit_HideCellInput, depart_HideCellInput),
        singlehtml=(visit_HideCellInput, depart_HideCellInput),
    )
    app.add_config_value("comments_config", {}, "html")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
