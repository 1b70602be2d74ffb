"""Heavy dependencies loaded when first used, not when a module of the science is imported.

Sphinx imports every documented module of the science at every build (viewcode, to find
its file; autodoc, to document it), and none of that calls scipy: importing
``scipy.stats`` alone took 0.7 s of the 1.46 s that importing ``valor.analysis.biomarkers``
took. A module that needs scipy names it here and loads it at its first use.
"""

from __future__ import annotations

import importlib.util
import sys
import types


def module(name: str) -> types.ModuleType:
    """``name``, already imported or loading itself at its first attribute access
    (the standard library's :class:`importlib.util.LazyLoader`)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    lazy = importlib.util.module_from_spec(spec)
    sys.modules[name] = lazy
    loader.exec_module(lazy)
    return lazy
