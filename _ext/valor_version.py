"""Show the book's version (set once, in valor/version.py) and, when _config.yml names it
(``repository.url``), its source repository on every page."""

from __future__ import annotations

import html
import re
from pathlib import Path


def book_version(srcdir) -> str:
    text = (Path(srcdir) / "valor" / "version.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.M)
    if not match:
        raise RuntimeError('valor/version.py must set __version__ = "X.Y.Z"')
    return match.group(1)


def _config_inited(app, config):
    version = book_version(app.srcdir)
    # Not config.version/release: Sphinx re-reads, and so re-executes, every page when
    # those change; the footer and the context are HTML-only settings.
    options = dict(config.html_theme_options or {})
    footer = f'<p class="valor-version">Version <span class="valor-version-number">{version}</span> of this book.</p>'
    repository = options.get("repository_url")  # _config.yml's repository.url (Jupyter Book puts it here)
    if repository:
        url = html.escape(repository)
        footer += f'<p class="valor-repository">Source, data and code: <a href="{url}">{url}</a></p>'
    options["extra_footer"] = footer
    # {{ repository_sentence }} in a page (the introduction): the same address, or nothing
    sentence = f" The book's source, data and code are at <{repository}>." if repository else ""
    config.myst_substitutions = {**(config.myst_substitutions or {}), "repository_sentence": sentence}
    config.html_theme_options = options
    config.html_context = {**(config.html_context or {}), "valor_version": version}


def setup(app):
    app.connect("config-inited", _config_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
