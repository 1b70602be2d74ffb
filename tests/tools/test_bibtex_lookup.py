"""Citations resolve without reading every installed package's entry points
(_ext/valor_bibstyle.py registers pybtex's plain-text backend and the parts of the
book's style at run time)."""

from __future__ import annotations

import importlib.metadata
import sys
from types import SimpleNamespace

import pybtex.plugin
from book import ROOT


def installed(group: str, name: str):
    (entry_point,) = importlib.metadata.entry_points(group=group, name=name)
    return entry_point.load()


def set_up_without_entry_points(monkeypatch):
    """The extension set up, then pybtex barred from reading entry points."""
    sys.path.insert(0, str(ROOT / "_ext"))
    import valor_bibstyle

    valor_bibstyle.setup(SimpleNamespace())

    def no_entry_points(**_):
        raise AssertionError("pybtex read the installed packages' entry points")

    monkeypatch.setattr(pybtex.plugin, "entry_points", no_entry_points)
    return valor_bibstyle


def test_the_plain_text_backend_is_found_without_reading_entry_points(monkeypatch):
    valor_bibstyle = set_up_without_entry_points(monkeypatch)
    # what sphinxcontrib-bibtex asks at every citation it resolves (163 per full write)
    backend = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")
    assert backend is installed("pybtex.backends", "plaintext")
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "valor") is valor_bibstyle.TitlesAsWritten


def test_a_footnote_citation_makes_its_style_without_reading_entry_points(monkeypatch):
    set_up_without_entry_points(monkeypatch)
    # what sphinxcontrib-bibtex's {footcite} role does at every use (208 in a full read)
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", "valor")()
    # the same name, label and sorting styles as pybtex's own alpha style installs
    assert type(style.name_style) is installed("pybtex.style.names", "plain")
    assert type(style.label_style) is installed("pybtex.style.labels", "alpha")
    assert type(style.sorting_style) is installed("pybtex.style.sorting", "author_year_title")
