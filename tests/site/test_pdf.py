"""`make pdf`: the whole book as one PDF fit to hand out, read back (PDFium's text,
pypdf's pages and destinations) and compared with _toc.yml, CITATION.cff,
references.bib and the built HTML pages.

- a title page with the version and its release date, and a contents page that
  lists every document of _toc.yml with the page it really starts on;
- every chapter in order, each on a page of its own, and a page number on every
  page but the title page;
- every figure of the HTML pages: its numbered caption, on a page with a picture,
  within its chapter's pages;
- typeset math: none of the TeX of the HTML pages' formulas, and no TeX markup at
  all, in the PDF text; MathJax's fonts on the pages of the chapters with formulas;
- none of the web page's furniture.

The printer itself (``booktools.pdf.print_pdf``) is tested on small pages: it
refuses a page with a failed request, a page whose formulas MathJax did not
typeset, and a page whose MathJax is missing.

Needs Debian's chromium (`make test` installs it): missing, the tests fail saying
what to install, in CI and elsewhere.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import sites
import yaml
from book import ROOT, chapter_title, parsed_page, toc_docnames
from bs4 import BeautifulSoup
from pypdf import PdfReader

pytestmark = pytest.mark.xdist_group("pdf")

RAW_TEX = re.compile(r"\\[A-Za-z]{2,}|\\[()\[\]]|[_^]\{|\$\$")


def normal(text: str) -> str:
    """Text as compared: ligatures and quotes unified, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"(?<=\w)-[ \t]*\n\s*(?=\w)", "-", text)  # a hyphenated word broken at its hyphen
    return " ".join(text.split())


@pytest.fixture(scope="module")
def reader() -> PdfReader:
    return PdfReader(sites.pdf("reader"))


@pytest.fixture(scope="module")
def pages(reader) -> list[str]:
    """Each page's text in reading order, its footer left out."""
    from booktools.pdf import front_matter

    running = normal(front_matter(ROOT, "reader").running_title)
    footer = re.compile(rf"\d+ / {len(reader.pages)}|{re.escape(running)}")
    return [normal(footer.sub(" ", normal(text))) for text in sites.pdf_texts("reader")]


@pytest.fixture(scope="module")
def squeezed(reader) -> list[str]:
    """Each page's text without any whitespace, for finding passages that lines break
    anywhere."""
    return [squeeze(text) for text in sites.pdf_texts("reader")]


def squeeze(text: str) -> str:
    return "".join(normal(text).split())


@pytest.fixture(scope="module")
def html() -> dict[str, BeautifulSoup]:
    """docname -> the main content of its page in the built HTML book."""
    site = sites.site("reader")
    return {d: parsed_page(site / f"{d}.html").select_one("main") for d in toc_docnames()}


def contents_pages(pages) -> list[int]:
    return [i for i, text in enumerate(pages) if text.startswith("Contents")]


def heading(docname: str) -> re.Pattern:
    """A chapter's title as it starts its first page: '4. The statistics of a miss'; a
    line may break after a hyphen ('VALOR-' / 'like')."""
    title = re.escape(normal(chapter_title(docname))).replace(r"\-", r"-\s?")
    return re.compile(rf"^(\d+\.\s*)?{title}")


# Citation labels ("[BSL+17]", "[1](1,2)"): PDFium reads a page's column of them before
# the heading above it.
LABELS = re.compile(r"^(\[[^\]\s]+\](\(\d+(,\d+)*\))? ?)+")


@pytest.fixture(scope="module")
def starts(pages) -> dict[str, int]:
    """docname -> index of the page it starts on, found by its title, after the contents."""
    found, first = {}, max(contents_pages(pages), default=0) + 1
    for docname in toc_docnames():
        title = heading(docname)
        index = next((i for i in range(first, len(pages)) if title.match(LABELS.sub("", pages[i]))), None)
        assert index is not None, (
            f"no page after page {first + 1} starts with the title of {docname} ({chapter_title(docname)!r})"
        )
        found[docname] = first = index
    return found


def bookmarks(reader) -> list:
    """The PDF's bookmarks, depth first (page order)."""
    found = []

    def walk(entries):
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                found.append(entry)

    walk(reader.outline)
    return found


def chapter_ranges(starts, count: int) -> dict[str, range]:
    bounds = list(starts.values()) + [count]
    return {d: range(start, end) for (d, start), end in zip(starts.items(), bounds[1:], strict=True)}


# -- front matter ------------------------------------------------------------------


def test_the_title_page_gives_the_title_version_and_release_date(pages):
    from valor import __version__

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    released = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["date-released"]
    year, month, day = (int(part) for part in str(released).split("-"))
    month_name = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][month - 1]
    cover = pages[0]
    assert cover.startswith(normal(config["title"])), cover[:200]
    assert f"Version {__version__}, released {day} {month_name} {year}" in cover, cover


def test_the_contents_list_every_document_with_the_page_it_starts_on(pages, starts):
    where = contents_pages(pages)
    assert where and where[0] == 1, "the contents should follow the title page"
    contents = " ".join(pages[i] for i in where)
    for docname, start in starts.items():
        title = re.escape(normal(chapter_title(docname)))
        entry = re.search(rf"(\d+\.\s*)?{title}\s+(\d+)\b", contents)
        assert entry, f"the contents do not list {docname} ({chapter_title(docname)!r}) with a page number"
        assert int(entry[2]) == start + 1, (
            f"the contents give page {entry[2]} for {docname}, which starts on page {start + 1}"
        )


def test_the_outline_names_each_heading_and_leads_to_each_chapter(reader, starts, html):
    """Every bookmark reads as a heading of the HTML pages (chromium's own titles lose the
    space where a heading wraps and repeat a heading a page break moved on: "1.6. 1.6.
    SummarySummary"); each chapter's leads to the page it starts on; the PDF is tagged
    (its structure, for screen readers)."""
    headings = {
        re.sub(r"\s*#$", "", normal(h.get_text(" ")))
        for main in html.values()
        for h in main.find_all(re.compile(r"^h[1-6]$"))
    }
    leads_to: dict[str, set[int]] = {}  # bookmark title -> pages
    for entry in bookmarks(reader):
        leads_to.setdefault(normal(entry.title), set()).add(reader.get_destination_page_number(entry))
    assert len(leads_to) > 100 and not set(leads_to) - headings, sorted(set(leads_to) - headings)
    for docname, start in starts.items():
        title = normal(chapter_title(docname))
        found = set().union(*(on for text, on in leads_to.items() if re.sub(r"^\d+\. ", "", text) == title))
        assert start in found, f"no bookmark {title!r} leads to page {start + 1} (found {found})"
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalog


def test_every_page_but_the_title_page_has_its_number(reader):
    total = len(reader.pages)
    texts = [normal(text) for text in sites.pdf_texts("reader")]
    assert f"1 / {total}" not in texts[0]
    missing = [n for n, text in enumerate(texts[1:], start=2) if f"{n} / {total}" not in text]
    assert not missing, f"pages without their number: {missing}"


# -- chapters and figures ------------------------------------------------------------


def test_every_chapter_starts_a_page_in_toc_order(starts):
    assert list(starts) == toc_docnames()
    assert list(starts.values()) == sorted(set(starts.values()))


# Chromium prints an SVG figure as vector paths in the page's own content stream, not
# as an XObject. Measured in the book: a page with a figure draws 2,900 to 11,600 path
# segments (its text is outlines too), a page of text, tables and code at most 1,700.
FIGURE_SEGMENTS = 2_000
PATH_SEGMENT = re.compile(rb"[\d.] (?:m|l|c|v|y|re)\n")


def pictures(page) -> int:
    """Images and form XObjects on a page, plus one for a vector drawing as large as a figure."""
    xobjects = page.get("/Resources", {}).get("/XObject", {})
    objects = sum(1 for name in xobjects if xobjects[name].get_object()["/Subtype"] in ("/Image", "/Form"))
    contents = page.get_contents()
    segments = 0 if contents is None else len(PATH_SEGMENT.findall(contents.get_data()))
    return objects + (segments >= FIGURE_SEGMENTS)


def test_every_figure_of_the_html_pages_is_in_its_chapter_next_to_a_picture(reader, squeezed, starts, html):
    ranges = chapter_ranges(starts, len(squeezed))
    checked = 0
    for docname, main in html.items():
        for figure in main.select("figure"):
            label = normal(figure.select_one(".caption-number").get_text())
            caption = normal(figure.select_one(".caption-text").get_text())[:60]
            on = [i for i in ranges[docname] if squeeze(f"{label} {caption}") in squeezed[i]]
            assert on, f"{docname}: {label} ({caption!r}...) is not in its pages of the PDF"
            assert pictures(reader.pages[on[0]]), (
                f"{docname}: {label} is on page {on[0] + 1}, which has no picture"
            )
            checked += 1
    assert checked >= 10, f"only {checked} figures in the HTML pages"


def test_links_stay_in_the_pdf_or_go_to_the_web(reader):
    internal, local = 0, []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots", []) or []:
            link = annotation.get_object()
            uri = link.get("/A", {}).get("/URI", "")
            internal += "/Dest" in link
            if (uri and not uri.startswith(("https://", "http://", "mailto:"))) or "127.0.0.1" in uri:
                local.append(f"page {number}: {uri}")
    assert not local, f"links to the local print server: {local}"
    assert internal >= 100, f"only {internal} links inside the PDF (cross-references, contents)"


# -- math ---------------------------------------------------------------------


TEX_DELIMITERS = re.compile(r"^\\[(\[]|\\[)\]]$")


def test_no_formula_prints_as_raw_tex(pages, squeezed, html):
    formulas = [m.get_text().strip() for main in html.values() for m in main.select(".math")]
    assert formulas, "the HTML pages have no formula to check"
    raw = sorted({m.group() for m in RAW_TEX.finditer(" ".join(pages))})
    assert not raw, f"TeX markup in the PDF text: {raw}"
    text = "".join(squeezed)
    for formula in formulas:
        assert squeeze(TEX_DELIMITERS.sub("", formula)) not in text, (
            f"the formula {formula!r} prints as raw TeX"
        )


def test_chapters_with_formulas_carry_mathjax_fonts(reader, pages, starts, html):
    def mathjax_fonts(page) -> bool:
        fonts = page.get("/Resources", {}).get("/Font", {})
        return any(
            str(fonts[f].get_object().get("/FontDescriptor", {}).get("/FontFamily", "")).startswith("MathJax")
            for f in fonts
        )

    ranges = chapter_ranges(starts, len(pages))
    with_math = [d for d, main in html.items() if main.select(".math")]
    assert with_math
    for docname in with_math:
        assert any(mathjax_fonts(reader.pages[i]) for i in ranges[docname]), (
            f"{docname} has formulas, but none of its PDF pages uses MathJax's fonts"
        )


# -- furniture ---------------------------------------------------------


def test_pdf_leaves_out_the_web_page_furniture(pages):
    text = " ".join(pages)
    for furniture in (
        "Skip to main content",
        "Back to top",
        "Show code cell source",
        "Hide code cell source",
        "Ctrl+K",
    ):
        assert furniture not in text, f"{furniture!r} is printed"


# -- the printer on small pages ----------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head>
<body><main><article class="bd-article"><section id="only"><h1>A page</h1><p>Text.</p>{body}</section>
</article></main></body></html>"""
MATHJAX = (
    '<script>window.MathJax = {"options": {"processHtmlClass": "math"}}</script>'
    '<script defer src="_static/mathjax/tex-mml-chtml.js"></script>'
)


@pytest.fixture(scope="module")
def printer():
    """One chromium for the small pages' prints (each in a context of its own): launching
    one per print took about 1 s each."""
    sites.require_chromium()
    from playwright.sync_api import sync_playwright

    from booktools import browser

    with sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        yield chromium
        chromium.close()


def print_small_page(tmp_path: Path, printer, head: str = "", body: str = "", mathjax: bool = False) -> Path:
    from booktools import pdf

    site = tmp_path / "site"
    (site / "chapters").mkdir(parents=True)
    (site / "chapters" / "page.html").write_text(PAGE.format(head=head, body=body), encoding="utf-8")
    if mathjax:
        shutil.copytree(ROOT / "_extra" / "_static" / "mathjax", site / "_static" / "mathjax")
    book = pdf.FrontMatter(
        title="A small book",
        running_title="A small book",
        cover_lines=["Version 1"],
        root="chapters/page",
        parts=[{"caption": None, "docnames": ["chapters/page"]}],
    )
    out = tmp_path / "small.pdf"
    pdf.print_pdf(site, "chapters/page.html", out, book, printer)
    return out


def test_the_printer_typesets_math_and_resolves_links_from_the_site_root(tmp_path, printer):
    # Like Sphinx's single page, the page sits in chapters/ but links from the site's root.
    out = print_small_page(
        tmp_path,
        printer,
        head=MATHJAX,
        body=r'<span class="math">\(\frac{a}{b} + z_{0.975}\)</span>',
        mathjax=True,
    )
    reader = PdfReader(out)
    text = normal(" ".join(page.extract_text() for page in reader.pages))
    assert text.count("A small book") >= 1 and "Contents" in text and "A page" in text
    assert not RAW_TEX.search(text), text


def test_the_printer_fails_on_a_failed_request(tmp_path, printer):
    from booktools.pdf import PrintFailed

    with pytest.raises(PrintFailed, match=r"missing\.css: HTTP 404"):
        print_small_page(tmp_path, printer, head='<link rel="stylesheet" href="_static/missing.css">')
    assert not (tmp_path / "small.pdf").exists()


def test_the_printer_fails_when_mathjax_is_missing(tmp_path, printer):
    from booktools.pdf import PrintFailed

    with pytest.raises(PrintFailed, match=r"MathJax: not loaded, so 1 formula"):
        print_small_page(tmp_path, printer, body=r'<span class="math">\(x^2\)</span>')


@pytest.mark.parametrize(
    "tex, why", [(r"x^2^3", "Double exponent"), (r"\nosuchmacro{x}", r"unknown macro \\nosuchmacro")]
)
def test_the_printer_fails_on_a_formula_mathjax_cannot_typeset(tmp_path, tex, why, printer):
    from booktools.pdf import PrintFailed

    with pytest.raises(PrintFailed, match=why):
        print_small_page(
            tmp_path, printer, head=MATHJAX, body=rf'<span class="math">\({tex}\)</span>', mathjax=True
        )


def test_the_printer_fails_on_a_script_error(tmp_path, printer):
    from booktools.pdf import PrintFailed

    with pytest.raises(PrintFailed, match=r"script error: .*boom"):
        print_small_page(tmp_path, printer, head='<script>throw new Error("boom")</script>')


def test_the_printer_fails_on_a_character_no_font_has(tmp_path, printer):
    from booktools.pdf import PrintFailed

    # U+10FFFD: a private-use character, in no installed font.
    with pytest.raises(PrintFailed, match=r"characters printed as empty boxes on page\(s\) \[3\]"):
        print_small_page(tmp_path, printer, body="<p>Unprintable: \U0010fffd</p>")


def test_the_printer_fails_on_a_web_page_control_that_would_print(tmp_path, printer):
    from booktools.pdf import PrintFailed

    with pytest.raises(PrintFailed, match=r"web-page controls would print: .*Download"):
        print_small_page(tmp_path, printer, body="<button>Download</button>")


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.fail.Exception)])
def test_missing_chromium_fails_in_ci_and_says_what_to_install_elsewhere(monkeypatch, ci, outcome):
    from booktools import browser

    def missing():
        raise browser.BrowserMissing("no chromium")

    monkeypatch.setattr(browser, "chromium_path", missing)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="apt-get install chromium"):
        sites.require_chromium()


@pytest.mark.parametrize(
    "title, heading, same",
    [
        ("1.6. Summary", "1.6. Summary", True),
        (
            "Why did tofersen's VALOR trial missits primary endpoint?",
            "Why did tofersen's VALOR trial miss its primary endpoint?",
            True,
        ),
        ("1.6. 1.6. SummarySummary", "1.6. Summary", True),
        ("SummarySummary", "Summary", True),
        (
            "3.5. 3.5. Deaths, permanent ventilation andDeaths, permanent ventilation andwithdrawals",
            "3.5. Deaths, permanent ventilation and withdrawals",
            True,
        ),
        ("1.6. Summary", "1.7. Summary", False),
        ("1.6. 1.6. SummarySumm", "1.6. Summary", False),
        ("1.6. SummarySummary", "1.6. Summary", False),
        ("Summar", "Summary", False),
    ],
)
def test_a_bookmark_is_told_from_its_heading_as_chromium_mangles_it(title, heading, same):
    from booktools.pdf import is_chromiums_title

    assert is_chromiums_title(title, heading) is same


def test_the_printer_fails_on_a_bookmark_that_is_not_its_heading(reader, tmp_path):
    from booktools.pdf import PrintFailed, name_bookmarks

    titles = [entry.title for entry in bookmarks(reader)]
    copy = tmp_path / "book.pdf"
    shutil.copy(sites.pdf("reader"), copy)
    with pytest.raises(PrintFailed, match=r"has \d+ bookmarks for \d+ printed headings"):
        name_bookmarks(copy, titles[1:])
    with pytest.raises(PrintFailed, match="is not the heading 'The long answer'"):
        name_bookmarks(copy, [titles[0], "The long answer", *titles[2:]])
    assert copy.read_bytes() == sites.pdf("reader").read_bytes(), "a refused PDF is left as it was"
    name_bookmarks(copy, titles)
    assert copy.read_bytes() == sites.pdf("reader").read_bytes(), "named already: nothing appended"
