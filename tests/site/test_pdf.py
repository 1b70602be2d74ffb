"""`make pdf`: the whole book in one PDF, every chapter title in it and, in each
chapter's pages, its figures (as images, with their numbered captions).

Needs Debian's chromium (`make test` installs it): missing, the tests fail saying
what to install, in CI and elsewhere.
"""
from __future__ import annotations

import re
import unicodedata

import pytest
from pypdf import PdfReader

import sites
from book import ROOT, chapter_title, toc_docnames
from booktools.teaching import DIRECTIVE

FIGURE_DIRECTIVES = {"figure", "glue:figure", "image"}
FIG_LABEL = re.compile(r"Fig\.\s*\d+(\.\d+)*")


def normal(text: str) -> str:
    """Text as compared: ligatures and quotes unified, whitespace collapsed, '#' links gone."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


def figures_in_source(docname: str) -> int:
    lines = (ROOT / f"{docname}.md").read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines if (m := DIRECTIVE.match(line)) and m["name"] in FIGURE_DIRECTIVES)


@pytest.fixture(scope="module")
def pages():
    reader = PdfReader(sites.pdf("reader"))
    return [(normal(page.extract_text()), len(page.images)) for page in reader.pages]


def chapter_starts(pages) -> dict[str, int]:
    """docname -> index of the page it starts on (each chapter starts a page)."""
    starts, first = {}, 0
    for docname in toc_docnames():
        title = re.escape(normal(chapter_title(docname)))
        heading = re.compile(rf"^(\d+\.\s*)?{title}")
        found = next((i for i in range(first, len(pages)) if heading.match(pages[i][0])), None)
        assert found is not None, (f"the PDF has no page starting with the title of {docname} "
                                   f"({chapter_title(docname)!r}) after page {first + 1}")
        starts[docname] = first = found
    return starts


def test_pdf_holds_every_chapter_title_in_order(pages):
    starts = chapter_starts(pages)
    assert list(starts) == toc_docnames()
    assert list(starts.values()) == sorted(starts.values())


def test_pdf_holds_every_chapter_figure(pages):
    starts = chapter_starts(pages)
    bounds = list(starts.values()) + [len(pages)]
    expected_total = 0
    for (docname, start), end in zip(starts.items(), bounds[1:]):
        expected = figures_in_source(docname)
        expected_total += expected
        images = sum(n for _, n in pages[start:end])
        labels = sum(len(FIG_LABEL.findall(text)) for text, _ in pages[start:end])
        assert images >= expected, f"{docname}: {expected} figure(s) in the source, {images} image(s) in its PDF pages"
        assert labels >= expected, f"{docname}: {expected} figure(s) in the source, {labels} 'Fig.' caption(s) in its PDF pages"
    assert expected_total >= 2  # the design chapter's two figures at least


def test_pdf_leaves_out_the_web_page_furniture(pages):
    text = " ".join(t for t, _ in pages)
    assert "Skip to main content" not in text and "Back to top" not in text


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.fail.Exception)])
def test_missing_chromium_fails_in_ci_and_says_what_to_install_elsewhere(monkeypatch, ci, outcome):
    from booktools import browser

    def missing():
        raise browser.BrowserMissing("no chromium")

    monkeypatch.setattr(browser, "chromium_path", missing)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="apt-get install chromium"):
        sites.require_chromium()
