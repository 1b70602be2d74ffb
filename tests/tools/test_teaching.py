"""Every content chapter teaches: learning objectives first, then at least three
exercises, each marked in its title as code or conceptual and as easy, medium or hard,
with at least one of each kind, each with a solution in a dropdown: code that executes
for a code exercise, a model answer in words for a conceptual one. The book holds at
least MIN_TOTAL exercises.

Content chapters are the notebooks in _toc.yml other than the root (the
introduction) and the back matter: parts captioned "Back matter", "For instructors
and readers" or "Appendix ...". A new chapter in any other part is held to this.
The notebook tests (test_notebooks.py) execute the solution code cells.
"""

from __future__ import annotations

import re

import jupytext
import pytest
from book import ROOT, content_chapters

from booktools import teaching

MIN_EXERCISES = 3
MIN_TOTAL = 30
MIN_MODEL_ANSWER_WORDS = 40  # a conceptual solution is a model answer, not a pointer


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
    kinds = {s.exercise(label).kind for label in s.exercises}
    for kind in teaching.KINDS:
        if s.exercises and kind not in kinds:
            found.append(f"no {kind} exercise (mark one in its title: '— {kind}, medium')")
    for label, solutions in s.solved().items():
        exercise = s.exercise(label)
        if exercise.kind is None:
            found.append(
                f"exercise '{label}' (line {exercise.line}) is not marked: end its title with "
                f"'— code|conceptual, easy|medium|hard' (found {exercise.title!r})"
            )
        if not solutions:
            found.append(f"exercise '{label}' has no solution")
        if exercise.kind == "code" and solutions and not any(sol.code_cells for sol in solutions):
            found.append(f"the code exercise '{label}' has no solution code cell that executes")
        if (
            exercise.kind == "conceptual"
            and solutions
            and max(sol.words for sol in solutions) < MIN_MODEL_ANSWER_WORDS
        ):
            found.append(
                f"the conceptual exercise '{label}' needs a model answer of at least "
                f"{MIN_MODEL_ANSWER_WORDS} words in its solution"
            )
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


def test_the_book_has_enough_exercises_of_every_difficulty():
    exercises = []
    for docname in CHAPTERS:
        s = teaching.structure((ROOT / f"{docname}.md").read_text(encoding="utf-8"))
        exercises += [s.exercise(label) for label in s.exercises]
    assert len(exercises) >= MIN_TOTAL, (
        f"{len(exercises)} exercises in the content chapters; {MIN_TOTAL} needed"
    )
    assert {e.difficulty for e in exercises} == set(teaching.DIFFICULTIES)
    labels = [e.label for e in exercises]
    assert len(labels) == len(set(labels)), "two exercises share a label"


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

```{exercise} Compute A — code, easy
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

:::{exercise} Explain B — conceptual, hard
:label: ex-b

Do B.
:::

:::{solution} ex-b
:class: dropdown

Answer B. A model answer says why, in enough words for a student to check their own
reasoning against it: what the interval includes, what it excludes, which assumption
carries the most weight, and what one would need to know to settle the question.
:::

```{exercise} Compute C — code, medium
:label: ex-c

Do C.
```

```{solution-start} ex-c
:class: dropdown
```

```{code-cell} ipython3
print("C")
```

```{solution-end}
```
"""


def test_checker_accepts_the_skeleton():
    assert problems(GOOD) == []
    s = teaching.structure(GOOD)
    assert list(s.exercises) == ["ex-a", "ex-b", "ex-c"]
    assert [(x.target, x.gated, x.dropdown) for x in s.solutions] == [
        ("ex-a", True, True),
        ("ex-b", False, True),
        ("ex-c", True, True),
    ]
    assert [(s.exercise(e).kind, s.exercise(e).difficulty) for e in s.exercises] == [
        ("code", "easy"),
        ("conceptual", "hard"),
        ("code", "medium"),
    ]
    assert [(x.code_cells, x.words > 40) for x in s.solutions] == [(1, False), (0, True), (1, False)]


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Plan a trial — code, medium", ("code", "medium")),
        ("Plan a trial – conceptual, hard", ("conceptual", "hard")),
        ("Plan a trial - code, easy", ("code", "easy")),
        ("Plan a trial", None),
        ("Plan a trial — code", None),
        ("Plan a trial — code, tricky", None),
        ("Plan a code, easy trial", None),
    ],
)
def test_marking_reads_the_end_of_the_title(title, expected):
    assert teaching.marking(title) == expected


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
            lambda t: re.sub(r":::\{solution\} ex-b\n.*?\n:::\n", "", t, flags=re.S),
            "'ex-b' has no solution",
        ),
        (
            lambda t: t.replace("```{solution-start} ex-a\n:class: dropdown\n", "```{solution-start} ex-a\n"),
            "not in a dropdown",
        ),
        (lambda t: t.replace("Answer B.", "```python\nprint('B')\n```"), "plain code fence"),
        (lambda t: t.replace(":::{solution} ex-b", ":::{solution} ex-d"), "targets 'ex-d'"),
        (lambda t: t.replace("Compute A — code, easy", "Compute A"), "'ex-a' (line"),
        (lambda t: t.replace("— code, easy", "— code, tricky"), "is not marked"),
        (lambda t: t.replace("— conceptual, hard", "— code, hard"), "no conceptual exercise"),
        (lambda t: t.replace("— code,", "— conceptual,"), "no code exercise"),
        (
            lambda t: t.replace('print("C")', "# nothing to run").replace(
                "```{code-cell} ipython3\n# nothing", "Words.\n```text\n# nothing"
            ),
            "'ex-c' has no solution code cell",
        ),
        (lambda t: re.sub(r"Answer B\..*?question\.", "See chapter 3.", t, flags=re.S), "at least 40 words"),
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
    assert list(teaching.structure(stripped).exercises) == ["ex-a", "ex-b", "ex-c"]
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
    assert code_before == ['print("A")', 'print("C")']
    stripped = teaching.strip_notebook_solutions(nb)
    assert [c for c in stripped.cells if c.cell_type == "code"] == []
    text = "\n".join(c.source for c in stripped.cells)
    assert "Do A." in text and "Do B." in text and "Answer B." not in text and "solution" not in text
    assert len(nb.cells) > len(stripped.cells)  # the original is left as it was
