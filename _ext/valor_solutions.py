"""The student edition: pages written without any solution, and the pages for
instructors (``booktools.pack.INSTRUCTOR_PAGES``: the instructor guide, the answer
key) written with their title and a note only.

``student_edition = True`` (the student edition's only setting) leaves every
solution out of the pages as they are written (``doctree-resolved``, so also out of
the search index), while the environment keeps them: both editions share one
environment, and the student edition of an executed book is only written, never
read or executed again. (sphinx-exercise's own ``hide_solutions`` acts while
reading, so switching it re-reads and re-executes every page.)

Gated solutions hidden while reading (sphinx-exercise's ``hide_solutions`` or
``:hidden:``) need a fix, below.

sphinx-exercise 1.2.1 hides a solution by making its directive return nothing.
For the gated form, which the book uses so that solution code cells execute::

    ```{solution-start} ex-label
    :class: dropdown
    ```
    ... text and code cells ...
    ```{solution-end}
    ```

that leaves the cells between the two markers in the page and an orphan
``solution_end_node`` that no writer can render (``NotImplementedError: ...
departing unknown node type: solution_end_node``; upstream issue
executablebooks/sphinx-exercise#89). The same happens for ``:hidden:``.

This extension replaces the ``solution-start`` directive by a subclass that, when
the parent returns nothing, leaves a marker node; a transform that runs after
sphinx-exercise's structure check and before its merge removes the marker, every
node after it, and the matching ``solution_end_node``. The solution is then absent
from the page, the search index and every later transform.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx_exercise.directive import SolutionStartDirective
from sphinx_exercise.nodes import solution_end_node, solution_node
from sphinx_exercise.transforms import CheckGatedDirectives, MergeGatedSolutions


class hidden_solution_start(nodes.Element):
    """Where a hidden gated solution starts; removed before writing."""


class SolutionStartOrMarker(SolutionStartDirective):
    def run(self):
        result = super().run()
        if result:
            return result
        # Hidden (hide_solutions, :hidden:): mark where the gated content starts.
        marker = hidden_solution_start(label=self.arguments[0])
        self.set_source_info(marker)
        return [marker]


class RemoveHiddenGatedSolutions(SphinxTransform):
    """Remove a hidden gated solution: its marker, its content and its end node."""

    # after CheckGatedDirectives (1), before MergeGatedSolutions (10)
    default_priority = 5
    assert CheckGatedDirectives.default_priority < default_priority < MergeGatedSolutions.default_priority

    def apply(self):
        for marker in list(self.document.findall(hidden_solution_start)):
            parent = marker.parent
            siblings = parent.children[parent.index(marker) :]
            end = next((i for i, node in enumerate(siblings) if isinstance(node, solution_end_node)), None)
            if end is None:
                raise ExtensionError(
                    f"{self.env.docname}: the hidden solution to '{marker['label']}' has no "
                    "{solution-end} at the same level (line "
                    f"{marker.line}); put solution-start and solution-end in the same section"
                )
            for node in siblings[: end + 1]:
                parent.remove(node)


def hides_solutions(config) -> bool:
    """True when the pages are written without solutions."""
    return bool(config.student_edition or config.hide_solutions)


INSTRUCTORS_ONLY = (
    "This page is for instructors: it is part of the reader edition of the book, not of the student edition."
)


def is_for_instructors(docname: str) -> bool:
    from booktools.pack import INSTRUCTOR_PAGES

    return docname in INSTRUCTOR_PAGES


def _leave_out_solutions(app, doctree, docname):
    if not app.config.student_edition:
        return
    for solution in list(doctree.findall(solution_node)):  # gated ones are merged by now
        solution.parent.remove(solution)
    section = next(iter(doctree.findall(nodes.section)), None)
    if is_for_instructors(docname) and section is not None:
        # the page stays (every other page's navigation links it) with its title only
        section.children = [child for child in section.children if isinstance(child, nodes.title)]
        section += nodes.paragraph("", INSTRUCTORS_ONLY)


def _no_outline_for_instructors(app, pagename, templatename, context, doctree):
    # the page's outline ("On this page") comes from what was read, not from the written page
    if app.config.student_edition and is_for_instructors(pagename):
        context["toc"] = ""
        context["display_toc"] = False


def setup(app):
    # Needs sphinx_exercise's config values and nodes: load it first.
    app.setup_extension("sphinx_exercise")
    # "html": changing it rewrites the pages; the environment (what was read) stays.
    app.add_config_value("student_edition", False, "html", bool)
    app.connect("doctree-resolved", _leave_out_solutions, priority=100)
    app.connect("html-page-context", _no_outline_for_instructors, priority=400)
    app.add_node(hidden_solution_start)
    app.add_directive("solution-start", SolutionStartOrMarker, override=True)
    app.add_transform(RemoveHiddenGatedSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
