"""booktools.pack on small notebooks: MyST and glue into plain Markdown, record outputs
into ordinary images, solutions out of the student edition, pins from uv.lock."""

from __future__ import annotations

import tomllib
from pathlib import Path

import nbformat
import pytest

from booktools import pack

ROOT = Path(__file__).resolve().parents[2]
PNG = "iVBORw0KGgo="


def record(name: str, data: dict) -> dict:
    return nbformat.v4.new_output(
        "display_data",
        data={f"{pack.RECORD_MIME}{mime}": value for mime, value in data.items()},
        metadata={"scrapbook": {"name": name, "mime_prefix": pack.RECORD_MIME}},
    )


def notebook(*markdown: str):
    glue = nbformat.v4.new_code_cell("book.glue_texts(...)")
    glue.outputs = [
        record("pe_diff", {"text/plain": "'1.2'"}),
        record("tbl_pe", {"text/markdown": "| a | b |\n|---|---|\n| 1 | {cite:p}`miller2022nejm` |"}),
        record("fig_pe", {"image/png": PNG, "text/plain": "<Figure>"}),
    ]
    return nbformat.v4.new_notebook(cells=[glue, *(nbformat.v4.new_markdown_cell(m) for m in markdown)])


def page(student: bool = False) -> pack.Page:
    index = pack.SiteIndex(
        targets={
            "fig-pe": pack.Target("chapters/primary_endpoint", "Fig. 3.1"),
            "tbl-pe": pack.Target("chapters/primary_endpoint", "Table 3.1"),
            "ex-pe": pack.Target("chapters/primary_endpoint", "Exercise 3.1"),
            "design-choices": pack.Target("chapters/design_choices", "Length, events and variety"),
        },
        titles={"chapters/design_choices": "Length, events and variety"},
    )
    names = {
        "chapters/primary_endpoint": "03_primary_endpoint.ipynb",
        "chapters/design_choices": "05_dc.ipynb",
    }
    citations = {"miller2022nejm": ("Miller et al.", "2022", "Miller et al. (2022). Trial of tofersen.")}
    return pack.Page("chapters/primary_endpoint", {}, index, citations, names, student)


def convert(nb, student: bool = False):
    target = page(student)
    target.glued = pack.glued_outputs(nb)
    return pack.convert_notebook(nb, target)


def markdown_of(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_glue_and_references_become_text():
    nb = convert(
        notebook(
            "(primary-endpoint)=\n# Title\n\nA difference of {glue:text}`pe_diff` points "
            "{footcite:p}`miller2022nejm` ({numref}`fig-pe`, {numref}`tbl-pe`); see the "
            "{ref}`chapter on design <design-choices>`, {ref}`design-choices`, {term}`ALSFRS-R` "
            "and {py:func}`~valor.stats.p_from_ci`.\n% a comment\n\n```{footbibliography}\n```"
        )
    )
    text = markdown_of(nb)
    assert (
        "A difference of 1.2 points (Miller et al., 2022) ([Fig. 3.1](#fig-pe), [Table 3.1](#tbl-pe))" in text
    )
    assert "[chapter on design](05_dc.ipynb#design-choices), [Length, events and variety](05_dc.ipynb" in text
    assert "ALSFRS-R and `p_from_ci()`" in text
    assert '<a id="primary-endpoint"></a>' in text and "a comment" not in text
    assert "- Miller et al. (2022). Trial of tofersen." in text
    assert "{" not in text.replace("{glue", "")  # no role left


def test_table_and_figure_read_like_the_page():
    nb = convert(
        notebook(
            "Before.\n\n:::{table} Result by stratum\n:name: tbl-pe\n\n```{glue:md} tbl_pe\n:format: myst\n```\n:::\n\n"
            ":::{glue:figure} fig_pe\n:name: fig-pe\n:alt: A figure.\n\nThe result, {glue:text}`pe_diff`.\n:::\n\nAfter."
        )
    )
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["code", "markdown", "code", "markdown"]
    assert nb.cells[0].outputs == []  # the record outputs are gone
    table = nb.cells[1].source
    assert "**Table 3.1.** Result by stratum\n\n| a | b |\n|---|---|\n| 1 | (Miller et al., 2022) |" in table
    figure = nb.cells[2]
    assert figure.source.endswith('show_figure("fig_pe")')
    assert figure.outputs[0]["data"] == {"image/png": PNG, "text/plain": "<Figure>"}
    assert nb.cells[3].source.startswith('<a id="fig-pe"></a>**Fig. 3.1.** The result, 1.2.')
    assert nb.cells[3].source.endswith("After.")


EXERCISE = (
    "```{exercise} Implied P — code, easy\n:label: ex-pe\n\nCompute it.\n```\n\n"
    ":::{solution} ex-pe\n:class: dropdown\n\nThe answer is 0.59.\n:::\n\n"
    "```{admonition} Learning objectives\n:class: tip\n\n- one\n```"
)


def test_exercises_solutions_and_admonitions():
    text = markdown_of(convert(notebook(EXERCISE)))
    assert '> <a id="ex-pe"></a>**Exercise 3.1** — Implied P — code, easy\n>\n> Compute it.' in text
    assert (
        "<details>\n<summary>Solution to Exercise 3.1</summary>\n\nThe answer is 0.59.\n\n</details>" in text
    )
    assert "> **Learning objectives**\n>\n> - one" in text


def test_student_edition_has_no_solution():
    text = markdown_of(convert(notebook(EXERCISE), student=True))
    assert "Compute it." in text
    assert "0.59" not in text and "Solution" not in text


def test_unknown_glue_key_fails_loudly():
    with pytest.raises(KeyError, match="nothing glued as 'pe_missing'"):
        convert(notebook("{glue:text}`pe_missing`"))


def test_requirements_are_the_locked_versions_of_what_notebooks_need():
    lines = pack.locked_requirements(ROOT / "uv.lock")
    locked = {p["name"]: p.get("version") for p in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}
    pins = dict(line.split(" ;")[0].split("==") for line in lines)
    assert all(locked[name] == version for name, version in pins.items())
    assert {"numpy", "pandas", "matplotlib", "scipy", "ipykernel", "nbclient", "python-dateutil"} <= set(pins)
    assert not {"sphinx", "jupyter-book", "myst-nb", "pytest", "playwright"} & set(pins)


SITE_PAGES = {
    "a": '<main><section id="part-a"><h1>Page A</h1><figure id="fig-a">'
    '<figcaption><span class="caption-number">Fig. 1.1 </span>A.</figcaption></figure>'
    '<section id="shared"><h2>Exercises</h2></section></section></main>',
    "b": '<main><section id="part-b"><h1>Page B</h1>'
    '<section id="shared"><h2>Exercises again</h2></section></section></main>',
}


def test_the_site_index_reparses_only_the_pages_that_changed(tmp_path, monkeypatch):
    site, kept = tmp_path / "html", tmp_path / "kept.json"
    site.mkdir()
    for name, text in SITE_PAGES.items():
        (site / f"{name}.html").write_text(text)
    fresh = pack.site_index(site, ["a", "b"])
    assert fresh.titles == {"a": "Page A", "b": "Page B"}
    assert fresh.targets["fig-a"] == pack.Target("a", "Fig. 1.1")
    assert fresh.targets["shared"] == pack.Target("a", "Exercises"), "of two sections, the first"
    assert pack.site_index(site, ["a", "b"], kept) == fresh

    parsed = []
    monkeypatch.setattr(
        pack, "page_targets", lambda text, parse=pack.page_targets: parsed.append(text) or parse(text)
    )
    (site / "b.html").write_text(SITE_PAGES["b"].replace("Page B", "Page B, renamed"))
    again = pack.site_index(site, ["a", "b"], kept)
    assert len(parsed) == 1 and "renamed" in parsed[0], "page a was kept, page b parsed again"
    assert again == pack.site_index(site, ["a", "b"]) and again.titles["b"] == "Page B, renamed"
