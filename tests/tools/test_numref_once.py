"""_ext/valor_numref.py: numrefs read each target page's doctree once, and render as before.

A two-page Sphinx project: page ``a`` holds a numbered figure, page ``b`` refers to it
three times. Built with and without the extension, counting how often Sphinx unpickles
``a``'s doctree (sphinx-doc/sphinx#12883)."""

from __future__ import annotations

import collections
import io
from unittest import mock

PAGES = {
    "index.rst": "Book\n====\n\n.. toctree::\n\n   a\n   b\n",
    "a.rst": "A\n=\n\n.. _fig-one:\n\n.. figure:: pic.png\n\n   The one figure.\n",
    "b.rst": "B\n=\n\nSee :numref:`fig-one`, again :numref:`fig-one` and :numref:`Figure {number} <fig-one>`.\n",
}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def build(folder, extensions: list[str]) -> tuple[str, collections.Counter]:
    """Build the project with ``extensions``; (b.html, docname -> doctrees unpickled)."""
    from sphinx.environment import BuildEnvironment
    from sphinx.testing.util import SphinxTestApp

    folder.mkdir()
    (folder / "conf.py").write_text(f"extensions = {extensions!r}\nnumfig = True\n")
    for name, text in PAGES.items():
        (folder / name).write_text(text)
    (folder / "pic.png").write_bytes(PNG)
    loads = collections.Counter()
    original = BuildEnvironment.get_doctree

    def counted(env, docname):
        loads[docname] += 1
        return original(env, docname)

    warnings = io.StringIO()
    app = SphinxTestApp("html", srcdir=folder, status=io.StringIO(), warning=warnings)
    try:
        with mock.patch.object(BuildEnvironment, "get_doctree", counted):
            app.build()
    finally:
        app.cleanup()  # two builds in one process: docutils' node registry restored
    assert not warnings.getvalue(), warnings.getvalue()
    return (app.outdir / "b.html").read_text(encoding="utf-8"), loads


def test_numrefs_unpickle_the_target_page_once_and_render_the_same(tmp_path, ext_path):
    plain, plain_loads = build(tmp_path / "plain", [])
    once, once_loads = build(tmp_path / "once", ["valor_numref"])
    # Sphinx alone: page a for its own writing, then once per numref
    assert plain_loads["a"] == 1 + 3, plain_loads
    assert once_loads["a"] == 1 + 1, once_loads
    assert once.count("Fig. 1") == 2 and once.count("Figure 1") == 1
    assert section_b(once) == section_b(plain), "the references render as Sphinx renders them"


def section_b(html: str) -> str:
    start = html.index('<section id="b">')
    return html[start : html.index("</section>", start)]
