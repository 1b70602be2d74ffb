"""Citations resolve without reading every installed package's entry points
(_ext/valor_bibstyle.py registers pybtex's plain-text backend at run time)."""

from __future__ import annotations

import importlib.metadata
import sys
from types import SimpleNamespace

import pybtex.plugin
from book import ROOT


def test_the_plain_text_backend_is_found_without_reading_entry_points(monkeypatch):
    (installed,) = importlib.metadata.entry_points(group="pybtex.backends", name="plaintext")
    sys.path.insert(0, str(ROOT / "_ext"))
    import valor_bibstyle

    valor_bibstyle.setup(SimpleNamespace())

    def no_entry_points(**_):
        raise AssertionError("pybtex read the installed packages' entry points")

    monkeypatch.setattr(pybtex.plugin, "entry_points", no_entry_points)
    # what sphinxcontrib-bibtex asks at every citation it resolves (163 per full write)
    assert pybtex.plugin.find_plugin("pybtex.backends", "plaintext") is installed.load()
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "valor") is valor_bibstyle.TitlesAsWritten
