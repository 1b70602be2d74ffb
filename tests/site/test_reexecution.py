"""After a data edit exactly the chapters that read that table re-execute; the page shows the new value."""
from __future__ import annotations

import re

import pytest

from book import copy_project, executed_chapters, notebook_docnames, run_build

pytestmark = pytest.mark.xdist_group("reexecution")


def readers(root, table):
    """Chapters that load the table (the book's convention: data.load("name") in the chapter)."""
    return {doc for doc in notebook_docnames(root)
            if re.search(rf"""load\(\s*["']{table}["']""", (root / f"{doc}.md").read_text())}


def importers_of_valor(root):
    return {doc for doc in notebook_docnames(root)
            if re.search(r"^\s*(from|import)\s+valor\b", (root / f"{doc}.md").read_text(), re.M)}


def build(root):
    result = run_build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return executed_chapters(result.stdout)


def test_only_what_changed_re_executes(tmp_path):
    root = copy_project(tmp_path / "book")
    assert build(root) == set(notebook_docnames(root))

    assert build(root) == set(), "a no-op rebuild executes nothing"

    table = root / "data" / "alsfrs_week28.csv"
    table.write_text(table.read_text().replace(",0.97,joint rank test", ",0.91,joint rank test"))
    expected = readers(root, "alsfrs_week28")
    assert "chapters/intro" in expected and "chapters/trial_design" not in expected
    assert build(root) == expected
    intro = (root / "_build" / "html" / "chapters" / "intro.html").read_text()
    assert "P = 0.91" in intro and "P = 0.97" not in intro

    (root / "valor" / "fmt.py").write_text((root / "valor" / "fmt.py").read_text() + "\n# edited\n")
    assert build(root) == importers_of_valor(root)

    assert build(root) == set()
