"""Resolve ``{numref}`` references without unpickling the target page once per reference.

Sphinx 7.4's standard domain loads the target page's doctree from its pickle for every
numref it resolves (``env.get_doctree``), only to read the type of the labelled node.
This book's ~150 numrefs point into a handful of pages, some of 300-400 kB: about 4 s of
every full write, spent in the main process while the others wait. Upstream:
sphinx-doc/sphinx#12883 (open; its pull request #12882 was closed unmerged).

The workaround uses public API only: a subclass of the standard domain, registered in its
place, whose ``resolve_xref`` hands numrefs an environment that keeps each doctree it
unpickled. A numref only reads the target node, so sharing one copy is safe; every other
caller of ``get_doctree`` (writing a page resolves and changes its own copy) still gets a
fresh one. The kept doctrees are dropped whenever Sphinx reads pages again.
"""

from __future__ import annotations

import weakref

from sphinx.domains.std import StandardDomain

# environment -> {docname: doctree} (weak: an environment thrown away takes its doctrees)
_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class DoctreesReadOnce:
    """The build environment, but ``get_doctree`` unpickles each page once."""

    def __init__(self, env):
        self._env = env
        self._kept = _KEPT.setdefault(env, {})

    def get_doctree(self, docname: str):
        if docname not in self._kept:
            self._kept[docname] = self._env.get_doctree(docname)
        return self._kept[docname]

    def __getattr__(self, name):
        return getattr(self._env, name)


class NumrefOnceStandardDomain(StandardDomain):
    """Sphinx's standard domain; numrefs read each target page's doctree once."""

    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        if typ == "numref":
            env = DoctreesReadOnce(env)
        return super().resolve_xref(env, fromdocname, builder, typ, target, node, contnode)


def _forget_kept(app, env, docnames):
    _KEPT.pop(env, None)  # pages are about to be read again: their doctrees change


def setup(app):
    app.add_domain(NumrefOnceStandardDomain, override=True)
    app.connect("env-before-read-docs", _forget_kept)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
