"""Every content chapter teaches: learning objectives first, then at least two
exercises, each with a solution in a dropdown whose code executes.

Content chapters are the notebooks in _toc.yml other than the root (the
introduction) and the back matter: parts captioned "Back matter", "For instructors
and readers" or "Appendix ...". A new chapter in any other part is held to this.
The notebook tests (test_notebooks.py) execute the solution code cells.
"""

from __future__ import annotations

import jupytext
import pytest
from book import ROOT, content_chapters

from booktools import teaching

MIN_EXERCISES = 2


CHAPTERS = content_chapters()


def test_the_toc_has_content_chapters():
    assert "chapters/trial_design" in CHAPTERS
    assert "chapters/intro" not in CHAPTERS and "chapters/instructor_guide" not in CHAPTERS


def problems(text: str) -> list[str]:
    """What keeps a chapter's source from the teaching skeleton (empty: none)."""
    found = []
    s = teaching.structure(text)
    if s.objectives_line is None:
        found.append("no learning-objectives block (```{admonition} Learning objectives)")
    elif not s.objectives_open_the_chapter:
        found.append(
            f"the learning objectives (line {s.objectives_line}) must be a list in the "
            "chapter's opening section, before its second ## heading"
        )
    if len(s.exercises) < MIN_EXERCISES:
        found.append(f"{len(s.exercises)} exercise(s) with a :label:; at least {MIN_EXERCISES} needed")
    for label, solutions in s.solved().items():
        if not solutions:
            found.append(f"exercise '{label}' has no solution")
        for sol in solutions:
            if not sol.dropdown:
                found.append(
                    f"the solution to '{label}' (line {sol.line}) is not in a dropdown (:class: dropdown)"
                )
            for line in sol.inert_code:
                found.append(
                    f"the solution to '{label}' has Python in a plain code fence (line {line}): "
                    "use a gated solution with a {code-cell} so that it executes"
                )
    for sol in s.solutions:
        if sol.target not in s.exercises:
            found.append(f"a solution (line {sol.line}) targets '{sol.target}', which is no exercise here")
    return found


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_has_objectives_and_solved_exercises(docname):
    found = problems((ROOT / f"{docname}.md").read_text(encoding="utf-8"))
    assert not found, f"{docname}.md:\n  " + "\n  ".join(found)


# -- the checker itself ----------------------------------------------------------

GOOD = """\
# Title

## Overview

```{admonition} Learning objectives
:class: tip

- one
- two
```

## Content

Text.

## Exercises

```{exercise}
:label: ex-a

Do A.
```

```{solution-start} ex-a
:class: dropdown
```

```{code-cell} ipython3
print("A")
```

```{solution-end}
```

:::{exercise}
:label: ex-b

Do B.
:::

:::{solution} ex-b
:class: dropdown

Answer B.
:::
"""


def test_checker_accepts_the_skeleton():
    assert problems(GOOD) == []
    s = teaching.structure(GOOD)
    assert list(s.exercises) == ["ex-a", "ex-b"]
    assert [(x.target, x.gated, x.dropdown) for x in s.solutions] == [
        ("ex-a", True, True),
        ("ex-b", False, True),
    ]


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: t.replace("Learning objectives", "Aims"), "no learning-objectives block"),
        (lambda t: t.replace("- one\n- two\n", "One and two.\n"), "must be a list"),
        (
            lambda t: t.replace(
                "```{admonition} Learning objectives\n:class: tip\n\n- one\n- two\n```\n", "Intro.\n"
            ).replace("## Content\n", "## Content\n\n```{admonition} Learning objectives\n- x\n```\n"),
            "opening section",
        ),
        (lambda t: t.split(":::{exercise}")[0], "1 exercise(s)"),
        (
            lambda t: t.replace(":::{solution} ex-b\n:class: dropdown\n\nAnswer B.\n:::\n", ""),
            "'ex-b' has no solution",
        ),
        (
            lambda t: t.replace("```{solution-start} ex-a\n:class: dropdown\n", "```{solution-start} ex-a\n"),
            "not in a dropdown",
        ),
        (lambda t: t.replace("Answer B.", "```python\nprint('B')\n```"), "plain code fence"),
        (lambda t: t.replace(":::{solution} ex-b", ":::{solution} ex-c"), "targets 'ex-c'"),
    ],
)
def test_checker_catches(change, message):
    found = problems(change(GOOD))
    assert any(message in f for f in found), found


def test_headings_inside_code_do_not_count():
    text = GOOD.replace("## Content", "```python\n## not a heading\n```\n\n## Content")
    s = teaching.structure(text)
    assert s.opening_ends == text.splitlines().index("## Content") + 1


# -- stripping solutions for the student edition ---------------------------------


def test_strip_solutions_removes_plain_and_gated():
    stripped = teaching.strip_solutions(GOOD)
    assert 'print("A")' not in stripped and "Answer B." not in stripped
    assert "solution" not in stripped
    assert "Do A." in stripped and "Do B." in stripped and "- one" in stripped
    assert list(teaching.structure(stripped).exercises) == ["ex-a", "ex-b"]
    assert teaching.structure(stripped).solutions == []


def test_strip_solutions_keeps_text_after_a_solution():
    text = GOOD + "\n## References\n\nAfter.\n"
    assert teaching.strip_solutions(text).rstrip().endswith("After.")


def test_strip_solutions_rejects_an_unclosed_solution():
    with pytest.raises(ValueError, match="not closed"):
        teaching.strip_solutions(GOOD.split("```{solution-end}")[0])


def test_strip_notebook_solutions_drops_cells_inside_gated_solutions():
    nb = jupytext.reads(GOOD, fmt="md:myst")
    code_before = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code_before == ['print("A")']
    stripped = teaching.strip_notebook_solutions(nb)
    assert [c for c in stripped.cells if c.cell_type == "code"] == []
    text = "\n".join(c.source for c in stripped.cells)
    assert "Do A." in text and "Do B." in text and "Answer B." not in text and "solution" not in text
    assert len(nb.cells) > len(stripped.cells)  # the original is left as it was
