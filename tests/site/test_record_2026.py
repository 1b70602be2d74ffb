"""The record at the end of 2026 (issue 13), in the built reader edition: "as of" dates
that come from the data, the new tables numbered, captioned and cited, and the corrected
sentences gone from every page."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest
import sites
from book import ROOT, toc_docnames
from bs4 import BeautifulSoup

# Sentences the book used to say and must not say again (issue 13, "Sentences to correct").
WITHDRAWN = (
    "without randomised, blinded comparison",
    "without the protection of randomised, blinded treatment",
    "not protected by randomised, blinded comparison",
    "clinical data alone not convincing",
    "being convincing on their own",
    "plausibly come from the same analysis",
    "We do not guess them",
    "It plans to enrol about",
)
# Tables this issue added: page -> labels shown and cited on it.
NEW_TABLES = {
    "chapters/regulatory": ("tbl-rg-ema", "tbl-rg-approvals", "tbl-rg-atlas", "tbl-rg-safety-totals"),
    "chapters/open_label_extension": ("tbl-ole-open", "tbl-ole-framings", "tbl-ole-realworld"),
}


@pytest.fixture(scope="module")
def site():
    return sites.site("reader")


def page(site, doc) -> BeautifulSoup:
    return BeautifulSoup((site / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")


def text(soup: BeautifulSoup) -> str:
    """The page's words, one space apart (no space before punctuation, as a reader sees it)."""
    words = " ".join(soup.select_one("main").get_text(" ").split())
    return re.sub(r"\s+([.,;:)’”])", r"\1", re.sub(r"([(‘“])\s+", r"\1", words))


def rows(table: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_withdrawn_sentences_are_on_no_page_but_in_the_fact_check_claims(site):
    found, claims = [], ""
    for doc in toc_docnames():
        soup = page(site, doc)
        # the fact check quotes claims as commonly stated (column 2) in order to correct them
        for cell in soup.select("table#tbl-fc-claims tbody td:nth-of-type(2)"):
            claims += " " + cell.extract().get_text(" ")
        words = text(soup)
        found += [f"{doc}: {sentence!r}" for sentence in WITHDRAWN if sentence in words]
    assert not found, "\n".join(found)
    corrected = ("without randomised, blinded comparison", "clinical data alone not convincing")
    assert all(claim in " ".join(claims.split()) for claim in corrected)


@pytest.mark.parametrize("doc", sorted(NEW_TABLES))
def test_new_tables_are_numbered_captioned_and_cited(site, doc):
    soup = page(site, doc)
    for label in NEW_TABLES[doc]:
        table = soup.find("table", id=label)
        assert table is not None, f"{doc}: no table {label}"
        caption = table.find("caption")
        assert caption and re.match(r"Table \d+\.\d+", caption.get_text(" ", strip=True)), label
        assert soup.select(f'a[href="#{label}"]'), f"{doc}: {label} is never cited with numref"
        assert len(table.select("tbody tr")) >= 1


def test_approvals_table_keeps_every_row_and_both_eu_dates(site):
    table = page(site, "chapters/regulatory").find("table", id="tbl-rg-approvals")
    assert len(table.select("tbody tr")) == len(rows("approvals"))
    cells = table.get_text(" ")
    assert "30 May 2024" in cells and "31 May 2024" in cells  # the sponsor's and the news date


def test_regulatory_page_is_dated_by_its_newest_decision_and_the_atlas_record(site):
    decisions = rows("approvals")
    newest = max(dt.date(int(r["year"]), int(r["month"]), int(r["day"] or 15)) for r in decisions)
    atlas = [r for r in rows("atlas_registry") if r["version"] == "registry current" and r["as_of"]]
    registry = max(dt.date.fromisoformat(r["as_of"]) for r in atlas)
    words = text(page(site, "chapters/regulatory"))
    shown = f"As of {newest.day} {newest:%b %Y}."
    assert shown in words, f"{shown!r} is not on the regulatory page"
    assert f"last updated on {registry.day} {registry:%b %Y}" in words


def test_every_place_describes_the_delayed_start_alike(site):
    for doc in (
        "chapters/intro",
        "chapters/open_label_extension",
        "chapters/glossary",
        "chapters/fact_check",
    ):
        words = text(page(site, doc))
        assert "placebo control" in words and "blind" in words, doc
        assert re.search(r"(stayed|stay|still) (the )?(randomised|ones randomisation|groups)", words), doc
