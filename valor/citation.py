"""How to cite the book, from its CITATION.cff (one source for every citation form)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from valor import paths, reads

LICENCE_NAMES = {"CC-BY-4.0": "CC BY 4.0 (text and figures)", "MIT": "MIT (code)"}


def load(root: Path | None = None) -> dict:
    """The book's CITATION.cff; the build notes the read, so a new version or date
    re-executes the pages that cite it."""
    path = (root or paths.book_root()) / "CITATION.cff"
    reads.record(str(path.resolve()))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def authors(cff: dict) -> list[str]:
    """Each author as written in a reference: an entity's name, or 'Family, Given'."""
    names = []
    for person in cff["authors"]:
        if "name" in person:
            names.append(person["name"])
        else:
            names.append(", ".join(p for p in (person.get("family-names"), person.get("given-names")) if p))
    return names


def year(cff: dict) -> int:
    return dt.date.fromisoformat(str(cff["date-released"])).year


def text(cff: dict) -> str:
    """A plain reference: 'Authors (year). Title (version X). Licences.'"""
    licences = ", ".join(LICENCE_NAMES.get(lic, lic) for lic in _licences(cff))
    return (
        f"{' and '.join(authors(cff))} ({year(cff)}). {cff['title']} "
        f"(version {cff['version']}). Licences: {licences}."
    )


def bibtex(cff: dict, key: str | None = None) -> str:
    """A BibTeX @software entry (authors that are entities go in double braces)."""
    key = key or "valorbook" + re.sub(r"\W", "", str(cff["version"]))
    names = " and ".join(
        f"{{{n}}}" if "name" in p else n for n, p in zip(authors(cff), cff["authors"], strict=True)
    )
    fields = {
        "author": names,
        "title": "{" + cff["title"] + "}",
        "year": str(year(cff)),
        "version": str(cff["version"]),
        "note": "Licences: " + ", ".join(_licences(cff)),
    }
    if cff.get("url"):
        fields["url"] = cff["url"]
    body = ",\n".join(f"  {name:<8}= {{{value}}}" for name, value in fields.items())
    return f"@software{{{key},\n{body}\n}}"


def _licences(cff: dict) -> list[str]:
    lic = cff.get("license", [])
    return [lic] if isinstance(lic, str) else list(lic)
