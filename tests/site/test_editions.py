"""The built sites: downloads on every notebook page, and a student edition that
holds every exercise and no solution (in its pages, its search index, and the
notebooks and sources it offers for download).

The solutions and exercises looked for are read from the reader edition's pages,
so these tests do not lean on the code that removes them.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from urllib.parse import unquote

import jupytext
import nbformat
import pytest
import sites
from book import ROOT, fresh_page, notebook_docnames, parsed_page, text_of, words

NOTEBOOKS = notebook_docnames()
FOR_INSTRUCTORS = ("chapters/instructor_guide", "chapters/answer_key")


def site_texts(site: Path):
    """(path, its words) for every text file a reader of ``site`` can fetch."""
    for path, text in _site_texts(site):
        yield path, words(text)


def _site_texts(site: Path):
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".html":
            yield path, text_of(path.read_text(encoding="utf-8"))
        elif path.suffix == ".ipynb":
            nb = json.loads(path.read_text(encoding="utf-8"))
            parts = ["".join(c.get("source", "")) for c in nb["cells"]]
            for cell in nb["cells"]:
                for output in cell.get("outputs", []):
                    parts.append("".join(output.get("text", "")))
                    parts.extend(
                        "".join(v) if isinstance(v, list) else str(v) for v in output.get("data", {}).values()
                    )
            yield path, "\n".join(parts)
        elif path.suffix in (".md", ".txt", ".js", ".json"):
            yield path, path.read_text(encoding="utf-8", errors="replace")


def longest_line(element, separator: str = "\n") -> str | None:
    lines = [line.strip() for line in element.get_text(separator).splitlines() if line.strip()]
    return max(lines, key=len) if lines else None


def solution_phrases(site: Path) -> dict[str, list[str]]:
    """page -> for each solution on it, its longest line of text and of code."""
    phrases = {}
    for docname in NOTEBOOKS:
        page = fresh_page(site / f"{docname}.html")  # the titles are taken out
        for solution in page.select("div.solution"):
            title = solution.select_one(".admonition-title")
            if title:
                title.extract()
            found = [longest_line(solution)] + [
                longest_line(c, "") for c in solution.select(".cell_input pre")
            ]
            phrases.setdefault(docname, []).extend(sorted({p for p in found if p}))
    return phrases


def exercises(site: Path) -> dict[str, dict[str, str]]:
    """page -> exercise id -> its text."""
    found = {}
    for docname in NOTEBOOKS:
        page = parsed_page(site / f"{docname}.html")
        found[docname] = {
            div["id"]: " ".join(div.get_text(" ").split()) for div in page.select("div.exercise[id]")
        }
    return found


@pytest.fixture(scope="module")
def reader():
    return sites.site("reader")


@pytest.fixture(scope="module")
def student():
    return sites.site("student")


def test_reader_edition_shows_the_solutions_looked_for(reader):
    phrases = solution_phrases(reader)
    assert phrases, "no solution found in the reader edition: the student test would prove nothing"
    for docname, found in phrases.items():
        text = parsed_page(reader / f"{docname}.html").get_text("")
        assert all(p in text for p in found)


def own_files(docname: str) -> set[str]:
    return {f"{docname}.html", f"_sources/{docname}.md", f"_sources/{docname}.ipynb"}


@functools.cache
def text_outside_solutions(page: Path) -> str:
    parsed = fresh_page(page)
    for solution in parsed.select("div.solution"):
        solution.decompose()
    return parsed.get_text("")


def distinctive(reader: Path, docname: str, phrase: str, texts) -> bool:
    """The phrase appears in the reader edition only inside its solution: not in another
    page's files (a preamble may share a line of code), nor on its own page outside
    the solution blocks."""
    if phrase in text_outside_solutions(reader / f"{docname}.html"):
        return False
    return not any(words(phrase) in text for rel, text in texts if rel not in own_files(docname))


def test_student_edition_holds_no_solution(reader, student):
    texts = [(str(path.relative_to(reader)), text) for path, text in site_texts(reader)]
    phrases = [
        (doc, p)
        for doc, found in solution_phrases(reader).items()
        for p in found
        if distinctive(reader, doc, p, texts)
    ]
    assert len(phrases) >= len(NOTEBOOKS), "too few distinctive solution lines to look for"
    leaks = [
        f"{path.relative_to(student)}: {phrase!r} (a solution in {doc})"
        for path, text in site_texts(student)
        for doc, phrase in phrases
        if words(phrase) in text
    ]
    assert not leaks, "solutions in the student edition:\n  " + "\n  ".join(leaks)
    for docname in NOTEBOOKS:
        page = parsed_page(student / f"{docname}.html")
        assert not page.select("div.solution"), f"{docname}: a solution block in the student edition"


def test_page_text_reads_as_beautifulsoup_does(reader):
    """text_of against BeautifulSoup on pages with solutions, code, math, tables and
    scripts (the student edition's leak check reads every page with text_of)."""
    pages = [reader / f"{d}.html" for d in ("chapters/why_it_missed", "chapters/api", "search")]
    for page in pages:
        assert text_of(page.read_text(encoding="utf-8")) == words(fresh_page(page).get_text(""))
    tricky = "<p>a&lt;b &amp; c<!-- x > y --></p><script>var s = '</p>';</script><style>p{}</style><b>d</b>"
    assert text_of(tricky) == words(fresh_page_of(tricky).get_text("")) == "a<b & cd"


def fresh_page_of(markup: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(markup, "html.parser")


def test_student_edition_holds_every_exercise(reader, student):
    expected = exercises(reader)
    assert sum(len(e) for e in expected.values()) >= 2
    got = exercises(student)
    for docname, found in expected.items():
        assert got[docname] == found, f"{docname}: exercises differ between the editions"


# -- downloads ----------------------------------------------------------------------


def download_links(site: Path, docname: str) -> dict[str, Path]:
    page = site / f"{docname}.html"
    block = parsed_page(page).select_one("p.valor-downloads")
    assert block is not None, f"{docname}.html has no download links"
    links = {}
    for kind in ("notebook", "source"):
        anchor = block.select_one(f"a.valor-download-{kind}")
        assert anchor is not None, f"{docname}.html: no link to its {kind}"
        links[kind] = (page.parent / unquote(anchor["href"])).resolve()
    return links


@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_notebook_downloads_resolve_to_the_executed_notebook_and_source(reader, docname):
    links = download_links(reader, docname)
    for kind, path in links.items():
        assert path.is_file(), f"{docname}: the {kind} link points to a missing file: {path}"
        assert reader.resolve() in path.parents, f"{docname}: the {kind} link leaves the site"
    assert links["notebook"].suffix == ".ipynb"
    assert links["source"].read_bytes() == (ROOT / f"{docname}.md").read_bytes()

    nb = nbformat.read(links["notebook"], as_version=4)
    nbformat.validate(nb)
    source_cells = [c.source for c in jupytext.read(ROOT / f"{docname}.md").cells if c.cell_type == "code"]
    # the chapter's cells, and the notebook pack's one-line cells showing glued figures (booktools.pack)
    code = [c for c in nb.cells if c.cell_type == "code" and "show_figure(" not in c.source]
    assert [c.source for c in code] == source_cells, (
        f"{docname}: the notebook's code differs from the chapter's"
    )
    assert all(c.execution_count is not None for c in code), f"{docname}: the notebook was not executed"
    assert any(c.outputs for c in code), f"{docname}: the executed notebook has no outputs"


@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_theme_download_menu_offers_the_notebook(reader, docname):
    menu = parsed_page(reader / f"{docname}.html").select_one(".dropdown-download-buttons")
    assert menu is not None
    hrefs = [a["href"] for a in menu.select("a[href]")]
    assert any(h.endswith(f"_sources/{docname}.ipynb") for h in hrefs), hrefs


@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_student_downloads_resolve(student, docname):
    if docname in FOR_INSTRUCTORS:  # left out of the student edition: nothing to download
        assert not (student / "_sources" / f"{docname}.ipynb").exists()
        return
    links = download_links(student, docname)
    nb = nbformat.read(links["notebook"], as_version=4)
    nbformat.validate(nb)
    assert links["source"].is_file()
