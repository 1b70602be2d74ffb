"""Where the book being built lives.

The package may be installed from one checkout while a build or a test runs
in another (a temporary copy), or from a notebook pack's wheel beside the pack's
``data/``, so the book root is found from the environment or the working
directory, never from this file alone.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def is_book_root(path: Path) -> bool:
    """A folder whose data the package can read: the book's, or an unzipped notebook pack."""
    return (path / "data" / "manifest.yml").is_file() and (path / "references.bib").is_file()


def book_root() -> Path:
    """The book's root: $VALOR_BOOK_ROOT, else the nearest parent of the cwd
    holding ``data/manifest.yml`` and ``references.bib``, else this checkout."""
    env = os.environ.get("VALOR_BOOK_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if is_book_root(candidate):
            return candidate
    return _PACKAGE_ROOT


def data_dir() -> Path:
    return book_root() / "data"
