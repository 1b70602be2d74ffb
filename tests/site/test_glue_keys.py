"""Each glued value is in the element its own ``{glue:text}`` reference rendered (issue 17).

``_ext/valor_gluekeys.py`` puts the key on each pasted span
(``<span class="pasted-text" data-glue-key="pe_week">28</span>``). A value found
*somewhere* on the page proves little ("28" is everywhere); here every reference in the
source renders exactly one span with its key, in the order of the source, and that span
shows exactly the text the executed notebook glued under that key.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import jupytext
import pytest
import sites
from book import ROOT, glued_values, notebook_docnames, parsed_page

GLUE_REFERENCE = re.compile(r"\{glue:text\}`([^`:]+)(?::[^`]*)?`")


# Sphinx's smartquotes turns straight quotes in the text into typographic ones: quotes are
# compared as straight ones
SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


@pytest.fixture(scope="module")
def build():
    return sites.build("reader")


def references(docname: str) -> list[str]:
    """The keys of the page's {glue:text} references, in order (code cells are not prose)."""
    cells = jupytext.read(ROOT / f"{docname}.md").cells
    return [key for c in cells if c.cell_type == "markdown" for key in GLUE_REFERENCE.findall(c.source)]


def pasted(build, docname: str) -> list:
    page = parsed_page(build.site / f"{docname}.html")
    main = page.find("main") or page
    return main.select("span.pasted-text")


def glued(build, docname: str) -> dict[str, str]:
    glue = build.executed / f"{docname}.glue.json"
    return glued_values(json.loads(glue.read_text(encoding="utf-8"))) if glue.exists() else {}


@pytest.mark.parametrize("docname", notebook_docnames(ROOT))
def test_each_glue_reference_renders_its_own_value(build, docname):
    spans = pasted(build, docname)
    keys = [span.get("data-glue-key") for span in spans]
    assert None not in keys, f"{docname}: a pasted value without its key: {spans[keys.index(None)]}"
    expected = references(docname)
    assert Counter(keys) == Counter(expected), f"{docname}: references and rendered spans differ"
    assert keys == expected, f"{docname}: the values are not rendered in the order of their references"
    values = glued(build, docname)
    for span, key in zip(spans, keys, strict=True):
        assert key in values, f"{docname}: {key} is referenced but the notebook glued no {key}"
        shown, value = span.get_text().translate(SMART_QUOTES), values[key].translate(SMART_QUOTES)
        assert shown == value, f"{docname}: the span of {key} shows {shown!r}, the notebook glued {value!r}"


def test_the_book_has_glue_references_to_check(build):
    counted = {doc: len(references(doc)) for doc in notebook_docnames(ROOT)}
    assert sum(counted.values()) > 300, counted  # 752 when this test was written
    assert sum(len(pasted(build, doc)) for doc in counted) == sum(counted.values())


def test_a_marked_span_is_only_the_value():
    """What the check rests on: the key is an attribute of the value's own span, and the
    span holds nothing else (a value elsewhere on the page is not found under the key)."""
    page = (sites.site() / "chapters" / "primary_endpoint.html").read_text(encoding="utf-8")
    week = re.findall(r'<span class="pasted-text" data-glue-key="pe_week">([^<]*)</span>', page)
    assert week and set(week) == {"28"}
