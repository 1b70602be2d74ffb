"""Bibliography titles print as references.bib writes them (_ext/valor_bibstyle.py):
on the References page, in every chapter's footnoted references, and in the PDF.

pybtex's own styles put titles in sentence case, which turned "slides presented by
T. M. Miller at the American Neurological Association" into "t. m. miller at the
american neurological association".
"""

from __future__ import annotations

import unicodedata

import pytest
import sites
from book import ROOT, parsed_page, toc_docnames
from bs4 import BeautifulSoup

pytestmark = pytest.mark.xdist_group("pdf")  # the PDF test shares test_pdf.py's print


SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def squeeze(text: str) -> str:
    """Text as compared: Unicode compatibility forms, straight quotes (Sphinx curls
    some), no whitespace (lines break anywhere)."""
    return "".join(unicodedata.normalize("NFKC", text).translate(SMART_QUOTES).split())


@pytest.fixture(scope="module")
def titles() -> dict[str, str]:
    """key -> title as references.bib writes it, braces and TeX dashes resolved."""
    from pybtex.database import parse_file
    from pybtex.richtext import Text

    entries = parse_file(str(ROOT / "references.bib")).entries
    return {key: Text.from_latex(entry.fields["title"]).render_as("text") for key, entry in entries.items()}


def page(docname: str) -> BeautifulSoup:
    return parsed_page(sites.site("reader") / f"{docname}.html")


def test_the_references_page_keeps_the_case_of_every_title(titles):
    text = squeeze(page("chapters/references").select_one("main").get_text())
    missing = {key: title for key, title in titles.items() if squeeze(title) not in text}
    assert not missing, f"titles not as references.bib writes them: {missing}"
    assert squeeze("slides presented by T. M. Miller at the American Neurological Association") in text


def test_every_chapter_cites_titles_as_written(titles):
    from docutils.nodes import make_id

    by_id = {f"footcite-{make_id(key)}": key for key in titles}  # the ids Sphinx gives footnotes
    checked = 0
    for docname in toc_docnames():
        for note in page(docname).select('main aside[id^="footcite-"]'):
            key = by_id[note["id"]]
            assert squeeze(titles[key]) in squeeze(note.get_text()), (
                f"{docname}: the reference {key} does not give its title as written: {titles[key]!r}"
            )
            checked += 1
    assert checked >= 20, f"only {checked} footnoted references in the chapters"


def test_the_pdf_keeps_the_case_of_every_title(titles):
    text = "".join(squeeze(page) for page in sites.pdf_texts("reader"))
    missing = {key: title for key, title in titles.items() if squeeze(title) not in text}
    assert not missing, f"titles not printed as references.bib writes them: {missing}"
