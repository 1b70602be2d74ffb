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
from pybtex.plugin import register_plugin
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.template import field, sentence


class TitlesAsWritten(AlphaStyle):
    def format_title(self, e, which_field, as_sentence=True):
        title = field(which_field)
        return sentence[title] if as_sentence else title


def setup(app):
    register_plugin("pybtex.style.formatting", "valor", TitlesAsWritten)
    # sphinxcontrib-bibtex 2.7 looks up pybtex's plain-text backend at every citation it
    # resolves (domain.py, resolve_xref), and pybtex's find_plugin reads every installed
    # package's entry points for it, about 10 ms a time: 163 citations cost 1.5 s of each
    # full write. The same class registered at run time is found before the entry points.
    register_plugin("pybtex.backends", "plaintext", PlainTextBackend, force=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
