"""The answer key: in the reader edition it reaches every exercise; the student edition
holds neither it nor the instructor guide (only their titles and a note)."""

from __future__ import annotations

from pathlib import Path

import sites
from book import ROOT, notebook_docnames, parsed_page, search_index

from booktools import teaching

FOR_INSTRUCTORS = ("chapters/instructor_guide", "chapters/answer_key")


def page_text(site: Path, docname: str) -> str:
    soup = parsed_page(site / f"{docname}.html")
    return (soup.find("main") or soup).get_text(" ")


def test_answer_key_links_every_exercise():
    soup = parsed_page(sites.site("reader") / "chapters/answer_key.html")
    linked = {a["href"].split("#")[-1] for a in soup.select("main a[href*='#']")}
    exercises = {
        label
        for docname in notebook_docnames()
        for label in teaching.structure((ROOT / f"{docname}.md").read_text(encoding="utf-8")).exercises
    }
    assert len(exercises) >= 30
    assert exercises <= linked, f"exercises missing from the answer key: {sorted(exercises - linked)}"
    assert "Discussion questions" in soup.get_text()


def test_student_edition_holds_no_instructor_page():
    reader, student = sites.site("reader"), sites.site("student")
    for docname in FOR_INSTRUCTORS:
        full = page_text(reader, docname)
        stub = page_text(student, docname)
        assert "Discussion questions" in full
        assert "Discussion questions" not in stub and len(stub) < len(full) / 5, docname
        assert "reader edition" in stub
        assert not (student / "_sources" / f"{docname}.ipynb").exists()
    index = search_index(student)
    guide = index["docnames"].index("chapters/instructor_guide")
    for term in ("misconcept", "discuss"):  # words of the guide's body, stemmed as the index keeps them
        found = index["terms"].get(term, [])
        assert guide not in (found if isinstance(found, list) else [found]), (
            f"'{term}' of the guide is searchable"
        )
