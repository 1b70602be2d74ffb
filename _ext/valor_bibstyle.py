"""The bibliography style: pybtex's "alpha", with titles in the case they are written.

pybtex's styles put every article title in sentence case (``Text.capitalize()`` in
``unsrt.Style.format_title``): everything but the first letter and ``{braced}``
words is lowercased, so "slides presented by T. M. Miller at the American
Neurological Association" printed as "t. m. miller at the american neurological
association". The titles in references.bib are written as their sources print
them, so this style keeps them as they are. Selected with
``bibtex_default_style: valor`` (sphinxcontrib-bibtex's documented way to add a
style: a pybtex plugin).
"""

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.plugin import find_plugin, register_plugin
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.template import field, sentence


class TitlesAsWritten(AlphaStyle):
    default_name_style = "plain"  # pybtex's default, named so that it can be registered below

    def format_title(self, e, which_field, as_sentence=True):
        title = field(which_field)
        return sentence[title] if as_sentence else title


# The plugins a TitlesAsWritten style is made of (pybtex's BaseStyle.__init__), registered
# in setup() below. We found no upstream issue for these look-ups or the backend's (pybtex
# 0.26.1, sphinxcontrib-bibtex 2.7.0, as of 2026-12-02): pybtex's _load_entry_point calls
# importlib.metadata.entry_points at every look-up, and importlib.metadata keeps no cache.
PARTS_OF_STYLE = (
    ("pybtex.style.names", TitlesAsWritten.default_name_style),
    ("pybtex.style.labels", TitlesAsWritten.default_label_style),
    ("pybtex.style.sorting", TitlesAsWritten.default_sorting_style),
)


def setup(app):
    register_plugin("pybtex.style.formatting", "valor", TitlesAsWritten)
    # sphinxcontrib-bibtex 2.7 looks up pybtex's plain-text backend at every citation it
    # resolves (domain.py, resolve_xref), and pybtex's find_plugin reads every installed
    # package's entry points for it, about 10 ms a time: 163 citations cost 1.5 s of each
    # full write. The same class registered at run time is found before the entry points.
    register_plugin("pybtex.backends", "plaintext", PlainTextBackend, force=True)
    # Likewise every {footcite} makes a new style, which looks up its name, label and sorting
    # styles: 627 look-ups, 8.6 s of a serial clean build's 51 s of reading.
    for group, name in PARTS_OF_STYLE:
        register_plugin(group, name, find_plugin(group, name), force=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
