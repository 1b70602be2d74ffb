"""Every table of the built book speaks to a reader in its header (issue 16, "human labels").

A header cell is human when it has no underscore (so no snake_case identifier such as
``ci_low`` or ``data_cut``) and, when it starts with a letter, starts with a capital
("Data cut", not "data cut"). Headers may start with a number ("28 weeks", "2,000
trials: ...") or a symbol ("#"). A symbol that is lower case by convention (the sample
size *n*) may open a header; :data:`LOWER_CASE_SYMBOLS` lists the ones allowed and none
is needed today.

Tables a code cell prints (pandas' output under ``div.cell_output``) are left out: they
show the data's own column names, which the reader types in the code beside them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sites
from book import parsed_page

LOWER_CASE_SYMBOLS: tuple[str, ...] = ()  # e.g. "n" for a sample size; none needed yet
SNAKE_CASE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


def header_problem(text: str) -> str | None:
    """Why a header cell's text is not human, or None."""
    if not text:
        return "empty"
    if "_" in text:
        return "snake_case identifier" if SNAKE_CASE.search(text) else "underscore"
    first = text.split()[0]
    if text[0].isalpha() and not text[0].isupper() and first not in LOWER_CASE_SYMBOLS:
        return "starts in lower case"
    return None


def test_the_rule_tells_human_headers_from_machine_ones():
    for human in ("Data cut", "95% CI", "28 weeks", "#", "CSF SOD1", "P value", "2,000 trials: average"):
        assert header_problem(human) is None, human
    assert header_problem("ci_low") == "snake_case identifier"
    assert header_problem("Value _raw") == "underscore"
    assert header_problem("data cut") == "starts in lower case"
    assert header_problem("tofersen:placebo") == "starts in lower case"
    assert header_problem("") == "empty"


@pytest.fixture(scope="module")
def pages():
    site = sites.site("reader")
    return {str(p.relative_to(site)): p for p in sorted(site.rglob("*.html"))}


def prose_tables(page: Path):
    """The page's tables, except those a code cell printed."""
    soup = parsed_page(page)
    return [t for t in soup.select("table") if t.find_parent(class_="cell_output") is None]


def test_every_table_header_cell_is_human(pages):
    bad = []
    checked = 0
    for name, page in pages.items():
        for table in prose_tables(page):
            label = table.get("id") or "a table without id"
            for cell in table.select("thead th"):
                text = " ".join(cell.get_text(" ", strip=True).split())
                checked += 1
                problem = header_problem(text)
                if problem:
                    bad.append(f"{name} {label}: {text!r} ({problem})")
    assert checked > 100, f"only {checked} header cells found: are the tables still rendered with a thead?"
    assert not bad, "table headers a reader should not see:\n" + "\n".join(bad)
