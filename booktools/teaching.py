"""The teaching structure of a chapter, read from its MyST source.

* :func:`structure` finds a chapter's learning objectives, its exercises and
  their solutions (sphinx-exercise directives, plain or gated), so a test can
  hold every content chapter to the book's skeleton.
* Every exercise says what kind it is and how hard, at the end of its title, where
  readers see it: ``{exercise} Plan a follow-up trial — code, medium``
  (:func:`marking`). A *code* exercise is answered by code that executes; a
  *conceptual* one (critique, design, write) by a model answer in words.
* :func:`strip_solutions` and :func:`strip_notebook_solutions` remove every
  solution from a chapter's source or from its executed notebook, for the
  downloads of the student edition.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

# An opening fence of a MyST directive: ```{name} argument   or   :::{name} argument
DIRECTIVE = re.compile(r"^\s*(?P<fence>`{3,}|:{3,})\{(?P<name>[A-Za-z0-9_:-]+)\}\s*(?P<arg>.*?)\s*$")
OPTION = re.compile(r"^\s*:(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*?)\s*$")
OBJECTIVES_TITLE = re.compile(r"learning objectives", re.I)
HEADING = re.compile(r"^(#{1,6})\s")
KINDS = ("code", "conceptual")
DIFFICULTIES = ("easy", "medium", "hard")
# The end of an exercise's title: " — code, medium" (an en or em dash, or a hyphen).
MARKING = re.compile(rf"\s[\u2014\u2013-]\s*({'|'.join(KINDS)}),\s*({'|'.join(DIFFICULTIES)})\s*$")
CODE_CELL = re.compile(r"^\s*(`{3,}|~{3,})\{code-cell\}")


def marking(title: str) -> tuple[str, str] | None:
    """(kind, difficulty) from the end of an exercise's title, or None if it has none."""
    match = MARKING.search(title)
    return (match[1], match[2]) if match else None


def _closes(line: str, fence: str) -> bool:
    """Does ``line`` close a directive opened with ``fence``?"""
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


class _SolutionStripper:
    """Feed lines one by one; ``feed`` says whether to keep each.

    Drops ``{solution}`` blocks, and gated solutions from their
    ``{solution-start}`` fence to the end of their ``{solution-end}`` fence.
    ``inside`` is true while in a solution (code cells there are dropped too).
    """

    def __init__(self):
        self.state = "out"  # out | block | start | gated | end
        self.fence = ""

    @property
    def inside(self) -> bool:
        return self.state != "out"

    def feed(self, line: str) -> bool:
        if self.state == "out":
            match = DIRECTIVE.match(line)
            if match and match["name"] in ("solution", "solution-start"):
                self.fence = match["fence"]
                self.state = "block" if match["name"] == "solution" else "start"
                return False
            return True
        if self.state in ("block", "start", "end"):
            if _closes(line, self.fence):
                self.state = {"block": "out", "start": "gated", "end": "out"}[self.state]
            return False
        # gated: everything up to the {solution-end} directive goes
        match = DIRECTIVE.match(line)
        if match and match["name"] == "solution-end":
            self.fence = match["fence"]
            self.state = "end"
        return False


def strip_solutions(text: str) -> str:
    """A chapter's MyST source without any solution (plain or gated)."""
    stripper = _SolutionStripper()
    kept = [line for line in text.splitlines(keepends=True) if stripper.feed(line)]
    if stripper.inside:
        raise ValueError("a solution is not closed (missing closing fence or {solution-end})")
    return re.sub(r"\n{3,}", "\n\n", "".join(kept))


def strip_notebook_solutions(nb):
    """A copy of a notebook (nbformat) without solutions: the solution text goes
    from markdown cells, and code cells inside a gated solution go whole."""
    nb = copy.deepcopy(nb)
    stripper = _SolutionStripper()
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            if not stripper.inside:
                cells.append(cell)
            continue
        lines = cell.source.splitlines(keepends=True)
        kept = "".join(line for line in lines if stripper.feed(line))
        kept = re.sub(r"\n{3,}", "\n\n", kept).strip("\n")
        if kept.strip():
            cell.source = kept
            cells.append(cell)
    if stripper.inside:
        raise ValueError("a solution is not closed (missing closing fence or {solution-end})")
    nb.cells = cells
    return nb


@dataclass
class Solution:
    target: str
    line: int
    dropdown: bool
    gated: bool
    # fenced code that would not execute (```python instead of a code cell)
    inert_code: list[int] = field(default_factory=list)
    code_cells: int = 0  # executable code cells in the solution
    words: int = 0  # words of its prose (outside code)


@dataclass
class Exercise:
    label: str
    line: int
    title: str

    @property
    def kind(self) -> str | None:
        return (marking(self.title) or (None, None))[0]

    @property
    def difficulty(self) -> str | None:
        return (marking(self.title) or (None, None))[1]


@dataclass
class Structure:
    objectives_line: int | None = None  # line of the learning-objectives block
    objectives_items: int = 0  # its list items
    opening_ends: int | None = None  # line of the second level-2 heading
    exercises: dict[str, int] = field(default_factory=dict)  # label -> line
    solutions: list[Solution] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # label -> title

    def exercise(self, label: str) -> Exercise:
        return Exercise(label, self.exercises[label], self.titles.get(label, ""))

    @property
    def objectives_open_the_chapter(self) -> bool:
        return (
            self.objectives_line is not None
            and self.objectives_items > 0
            and (self.opening_ends is None or self.objectives_line < self.opening_ends)
        )

    def solved(self) -> dict[str, list[Solution]]:
        """exercise label -> its solutions."""
        return {label: [s for s in self.solutions if s.target == label] for label in self.exercises}


def _code_and_words(lines: list[str]) -> tuple[int, int]:
    """Code cells among ``lines``, and the words of the prose around them."""
    cells, words, fence = 0, 0, None
    for line in lines:
        if fence is not None:
            if _closes(line, fence):
                fence = None
            continue
        opening = re.match(r"^\s*(`{3,}|~{3,})", line)
        if opening:
            cells += bool(CODE_CELL.match(line))
            fence = opening[1]
            continue
        if not DIRECTIVE.match(line) and not OPTION.match(line):
            words += len(re.findall(r"[A-Za-z]+", line))
    return cells, words


def structure(text: str) -> Structure:
    """Objectives, exercises and solutions of a chapter's MyST source (lines are 1-based)."""
    lines = text.splitlines()
    result = Structure()
    level2 = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        match = DIRECTIVE.match(line)
        if match is None:
            plain = re.match(r"^\s*(`{3,}|~{3,})", line)
            if plain:  # a literal block: skip it whole
                i += 1
                while i < len(lines) and not _closes(lines[i], plain[1]):
                    i += 1
            elif line.startswith("## "):
                level2 += 1
                if level2 == 2:
                    result.opening_ends = i + 1
            i += 1
            continue
        name, fence, arg = match["name"], match["fence"], match["arg"]
        options, body, j = {}, [], i + 1
        while j < len(lines) and OPTION.match(lines[j]) and not _closes(lines[j], fence):
            option = OPTION.match(lines[j])
            options[option["key"]] = option["value"]
            j += 1
        while j < len(lines) and not _closes(lines[j], fence):  # CommonMark: first bare fence closes
            body.append((j + 1, lines[j]))
            j += 1
        if name == "admonition" and OBJECTIVES_TITLE.search(arg) and result.objectives_line is None:
            result.objectives_line = i + 1
            result.objectives_items = sum(1 for _, b in body if re.match(r"^\s*[-*+]\s+\S", b))
        elif name in ("exercise", "exercise-start") and options.get("label"):
            result.exercises[options["label"]] = i + 1
            result.titles[options["label"]] = arg
        elif name in ("solution", "solution-start"):
            classes = options.get("class", "").split()
            solution = Solution(
                target=arg, line=i + 1, dropdown="dropdown" in classes, gated=name == "solution-start"
            )
            content = list(body)
            if solution.gated:
                # the content runs from after the closing fence to {solution-end}
                k = j + 1
                while k < len(lines):
                    end = DIRECTIVE.match(lines[k])
                    if end and end["name"] == "solution-end":
                        break
                    content.append((k + 1, lines[k]))
                    k += 1
            solution.inert_code = [
                n for n, b in content if re.match(r"^\s*(`{3,}|~{3,})\s*(python|py|ipython3?)\s*$", b)
            ]
            solution.code_cells, solution.words = _code_and_words([b for _, b in content])
            result.solutions.append(solution)
        i = j + 1
    return result
