"""The book as `make book` builds it (warnings as errors; shared by the test run): check the HTML."""

from __future__ import annotations

import json
import re

import pytest
import sites
from book import ROOT, notebook_docnames, parsed_page, toc_docnames

CDN = re.compile(r"https?://[^\"' ]*(cdn\.|jsdelivr|unpkg|cdnjs|googleapis|gstatic|mathjax\.org)", re.I)
GLUE_ROLE = re.compile(r"\{glue:text\}`([^`]+)`")


@pytest.fixture(scope="module")
def built():
    build = sites.build("reader")
    assert build.site == ROOT / "_build" / "html"
    return ROOT, build.output


def pages(root):
    return {doc: root / "_build" / "html" / f"{doc}.html" for doc in toc_docnames(root)}


def test_every_notebook_is_executed_or_reused_and_the_first_page_is_named(built):
    root, output = built
    lines = [line for line in output.splitlines() if line.startswith("Executed ")]
    assert lines, output[-3000:]
    named = set(re.findall(r"chapters/\w+", lines[-1]))
    assert named == set(notebook_docnames(root)), lines[-1]
    assert f"First page: {root / '_build' / 'html' / 'chapters' / 'intro.html'}" in output


def test_every_toc_page_is_built(built):
    root, _ = built
    missing = [doc for doc, path in pages(root).items() if not path.exists()]
    assert not missing


def test_every_image_has_alt_text_and_exists(built):
    root, _ = built
    problems = []
    for doc, path in pages(root).items():
        for img in parsed_page(path).select("main img, article img"):
            if not (img.get("alt") or "").strip():
                problems.append(f"{doc}: <img src={img.get('src')}> has no alt text")
            if not (path.parent / img["src"]).resolve().exists():
                problems.append(f"{doc}: {img['src']} does not exist")
    assert not problems, "\n".join(problems)


def test_every_figure_has_a_number_and_caption(built):
    root, _ = built
    for doc, path in pages(root).items():
        for figure in parsed_page(path).select("figure"):
            caption = figure.find("figcaption")
            assert caption and caption.get_text(strip=True), f"{doc}: figure without caption"
            assert figure.get("id"), f"{doc}: figure without a name (id)"


def test_no_unresolved_glue_or_reference(built):
    root, _ = built
    for doc, path in pages(root).items():
        html = path.read_text(encoding="utf-8")
        assert "{glue" not in html and "glue:text" not in html, f"{doc}: raw glue role left"
        page = parsed_page(path)
        assert not page.select(".problematic, .system-message"), f"{doc}: docutils error node"
        for ref in page.select("a.reference.internal"):
            assert ref.get("href"), f"{doc}: internal reference without a target"


def test_glued_values_render_in_the_pages(built):
    """Each {glue:text} role in a chapter shows the value recorded in the golden snapshot."""
    root, _ = built
    for doc in notebook_docnames(root):
        golden = json.loads((root / "tests" / "golden" / f"{doc.split('/')[-1]}.json").read_text())
        source = (root / f"{doc}.md").read_text(encoding="utf-8")
        text = plain_quotes(parsed_page(root / "_build" / "html" / f"{doc}.html").get_text(" "))
        for key in set(GLUE_ROLE.findall(source)):
            assert plain_quotes(golden[key]) in text, f"{doc}: glued {key}={golden[key]!r} not in the page"


def plain_quotes(text: str) -> str:
    """Text with Sphinx's smart quotes (‘’“”) turned back into the straight ones glued."""
    return text.translate(str.maketrans("‘’“”", "''\"\""))


def test_no_cdn_and_no_thebe(built):
    root, _ = built
    for path in (root / "_build" / "html").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not CDN.search(html), f"{path.name}: CDN URL {CDN.search(html).group(0)}"
        assert "THEBE_JS_URL" not in html, f"{path.name}: thebe configuration"
        assert not re.search(r"<script[^>]+thebe", html), f"{path.name}: thebe script"
    assert (root / "_build" / "html" / "_static" / "mathjax" / "tex-mml-chtml.js").exists()


def test_version_and_changelog_on_every_page(built):
    root, _ = built
    version = re.search(r'__version__ = "([^"]+)"', (root / "valor" / "version.py").read_text()).group(1)
    for doc, path in pages(root).items():
        footer = parsed_page(path).select_one(".valor-version-number")
        assert footer is not None and footer.get_text() == version, f"{doc}: no version footer"
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## " + re.escape(version) + r"\b", changelog, re.M), "CHANGELOG.md top section"
    first_section = re.findall(r"^## (\S+)", changelog, re.M)[0]
    assert first_section == version, "the newest CHANGELOG section must be the current version"
    assert version in parsed_page(root / "_build" / "html" / "chapters" / "changelog.html").get_text()


def test_headings_do_not_skip_levels(built):
    root, _ = built
    for doc, path in pages(root).items():
        article = parsed_page(path).select_one("article") or parsed_page(path)
        levels = [int(h.name[1]) for h in article.find_all(re.compile(r"^h[1-6]$"))]
        assert levels and levels[0] == 1, f"{doc}: first heading is not h1"
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"{doc}: heading jumps from h{before} to h{after}"
