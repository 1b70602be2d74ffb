"""CITATION.cff is valid Citation File Format 1.2.0 and names the book's version;
the licences (text CC BY 4.0, code MIT) are stated in the repository, the README
and the book."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from book import ROOT, toc_docnames

import valor
from valor import citation

CFF = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
# Keys and types from the CFF 1.2.0 schema (required: cff-version, message, title, authors).
CFF_TYPES = {
    "cff-version": str,
    "message": str,
    "title": str,
    "authors": list,
    "version": str,
    "date-released": str,
    "type": str,
    "abstract": str,
    "keywords": list,
    "license": (str, list),
    "url": str,
    "repository-code": str,
    "doi": str,
    "identifiers": list,
    "references": list,
    "preferred-citation": dict,
    "contact": list,
    "commit": str,
    "license-url": str,
    "repository": str,
    "repository-artifact": str,
}
PERSON_KEYS = {
    "family-names",
    "given-names",
    "name-particle",
    "name-suffix",
    "affiliation",
    "email",
    "orcid",
    "website",
    "alias",
    "address",
    "city",
    "country",
    "post-code",
    "region",
    "tel",
    "fax",
    "date-start",
    "date-end",
    "location",
    "name",
}


def test_citation_cff_is_valid_cff_1_2_0():
    for key in ("cff-version", "message", "title", "authors"):
        assert key in CFF, f"CITATION.cff misses the required key '{key}'"
    assert CFF["cff-version"] == "1.2.0"
    for key, value in CFF.items():
        assert key in CFF_TYPES, f"'{key}' is not a CFF 1.2.0 key"
        assert isinstance(value, CFF_TYPES[key]), (
            f"'{key}' must be {CFF_TYPES[key]}, not {type(value).__name__}"
        )
    assert CFF["type"] in ("software", "dataset")
    assert CFF["authors"], "at least one author"
    for author in CFF["authors"]:
        assert set(author) <= PERSON_KEYS, set(author) - PERSON_KEYS
        assert author.get("name") or author.get("family-names"), author
    dt.date.fromisoformat(CFF["date-released"])  # YYYY-MM-DD
    licences = [CFF["license"]] if isinstance(CFF["license"], str) else CFF["license"]
    assert sorted(licences) == ["CC-BY-4.0", "MIT"]


def test_citation_version_is_the_books():
    assert CFF["version"] == valor.__version__, (
        f"CITATION.cff says version {CFF['version']}, valor/version.py {valor.__version__}: "
        "set `version` (and `date-released`) in CITATION.cff when you bump the version"
    )


def test_citation_date_matches_the_changelog():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    match = re.search(
        rf"^##\s*\[?{re.escape(valor.__version__)}\]?\s*\((\d{{4}}-\d{{2}}-\d{{2}})\)", changelog, re.M
    )
    if match is None:
        pytest.fail(f"CHANGELOG.md has no '## {valor.__version__} (YYYY-MM-DD)' heading", pytrace=False)
    assert CFF["date-released"] == match[1]


def test_citation_title_is_the_books():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert CFF["title"] == config["title"]


def test_citation_forms():
    text = citation.text(CFF)
    assert text.startswith("The VALOR case-study authors (2026). Why did tofersen's")
    assert f"(version {valor.__version__})" in text and "CC BY 4.0" in text and "MIT" in text
    bib = citation.bibtex(CFF)
    assert bib.startswith("@software{valorbook") and bib.rstrip().endswith("}")
    assert "author  = {{The VALOR case-study authors}}" in bib
    assert f"version = {{{valor.__version__}}}" in bib
    assert bib.count("{") == bib.count("}")


def test_citation_authors_as_persons():
    cff = {
        "authors": [{"family-names": "Doe", "given-names": "Jane"}, {"name": "A Team"}],
        "title": "T",
        "version": "1.0.0",
        "date-released": "2030-01-02",
        "license": "MIT",
    }
    assert citation.authors(cff) == ["Doe, Jane", "A Team"]
    assert citation.year(cff) == 2030
    assert "author  = {Doe, Jane and {A Team}}" in citation.bibtex(cff)


def test_licence_files():
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "Permission is hereby granted, free of charge" in mit
    cc = (ROOT / "LICENSE-text").read_text(encoding="utf-8")
    assert "Attribution 4.0 International Public License" in cc
    assert "Section 3 -- License Conditions." in cc  # the legal code, not only a summary


def test_licences_stated_in_readme_and_book():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needle in ("CC BY 4.0", "MIT", "LICENSE-text", "LICENSE", "CITATION.cff"):
        assert needle in readme, f"README.md does not mention {needle}"
    assert {"chapters/license", "chapters/how_to_cite"} <= set(toc_docnames())
    page = (ROOT / "chapters" / "license.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in page and "MIT" in page
