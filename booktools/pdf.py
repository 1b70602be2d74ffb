"""The whole book as one PDF, with no TeX (what ``make pdf`` runs).

1. validates the data, then builds the book as a single HTML page (Jupyter
   Book's ``singlehtml`` builder, warnings as errors) in the HTML build's work
   folder (``_build/.work``): it shares that build's Sphinx environment, so a
   chapter the HTML build executed is not executed again, and the other way round;
2. serves that page on 127.0.0.1 and opens it in Debian's chromium through
   Playwright (``booktools.browser``), offline. Printing stops, naming what
   failed, on any failed request, script error, math MathJax did not typeset,
   image that did not load, web-page control still visible, or character no
   installed font has;
3. adds a title page (version, release date) and a contents page, unfolds the
   solutions, and prints A4 with page numbers and a bookmark outline. It prints
   twice: the first print tells on which page each chapter starts, the second
   writes those numbers into the contents; each bookmark is then given its
   heading's text (chromium's titles lose spaces and repeat some headings);
4. writes ``_build/pdf/valor-book-<version>.pdf`` (the student edition:
   ``valor-book-<version>-student.pdf``), replacing the last one only when the
   new one is complete. When no source changed since that PDF was printed
   (``booktools.uptodate``'s fingerprint), it is kept and nothing is built.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from booktools import browser, build, uptodate
from valor import __version__, data

# Print rules on top of the theme's: a title page and a contents page, page
# numbers in the margin (CSS page-margin boxes), figures, tables and formulas
# kept whole, no navigation, solutions unfolded (code folded away on the web
# stays away).
PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-left { font: 7.5pt sans-serif; color: #555; }
  @bottom-right { content: counter(page) " / " counter(pages); font: 7.5pt sans-serif; color: #555; } }
@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }
.valor-print-cover { break-after: page; min-height: 230mm; display: flex; flex-direction: column;
  justify-content: center; text-align: center; }
.valor-print-cover .valor-print-title { font-size: 26pt; font-weight: bold; line-height: 1.25;
  margin: 0 0 12mm; }
.valor-print-cover p { font-size: 13pt; margin: 2mm 0; }
.valor-print-contents { break-after: page; }
.valor-print-contents .valor-print-contents-title { font-size: 20pt; font-weight: bold; margin: 0 0 6mm; }
.valor-print-contents ol { list-style: none; padding: 0; margin: 0; }
.valor-print-contents li.valor-print-part { font-weight: bold; margin: 5mm 0 1.5mm; break-after: avoid; }
.valor-print-contents a { display: flex; align-items: baseline; gap: 0.4em; color: inherit !important;
  text-decoration: none !important; margin: 1.2mm 0; }
.valor-print-contents .valor-print-leader { flex: 1; border-bottom: 1px dotted #888; }
.valor-print-contents .valor-print-page { min-width: 2.2em; text-align: right; }
div.cell_input, div.cell_output, figure, .admonition, table, tr, mjx-container[display="true"],
div.math { break-inside: avoid; }
thead { display: table-header-group; }
p, li { orphans: 3; widows: 3; }
h1, h2, h3, h4, .caption, figcaption { break-after: avoid; }
span[id^="document-"] { display: block; break-before: page; }   /* each chapter on a new page */
.bd-header, .bd-header-article, .header-article, .bd-sidebar-primary, .bd-sidebar-secondary,
.bd-footer, .bd-footer-content, .bd-footer-article, .prev-next-area, .toggle-button,
button.toggle-button, .skip-link, #pst-back-to-top, #jb-print-docs-body, a.headerlink,
.copybtn { display: none !important; }
.toggle-hidden { display: block !important; visibility: visible !important; }
.admonition, div.exercise, div.solution { border: 1px solid #888 !important; border-radius: 3px;
  padding: 0.2em 0.9em 0.4em !important; margin: 0.8em 0 !important; }
.admonition-title, p.admonition-title { font-weight: bold !important; }
div.cell_input pre, div.highlight pre { border-left: 3px solid #bbb !important; padding-left: 0.6em !important;
  white-space: pre-wrap !important; overflow-wrap: anywhere; }   /* long lines wrap instead of being cut */
details.above-input { display: none !important; }   /* code folded away on the web stays away */
details.hide > summary { display: none !important; }
html { font-size: 14px; }   /* 10.5 pt text: the theme's rem sizes scale with it */
body { line-height: 1.5; }
.bd-main .bd-content { margin-left: 0 !important; }
.bd-main .bd-content .bd-article { padding: 0 !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
/* the theme hides the first title in print, for its own print header: show it */
.bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
"""
UNFOLD_JS = """() => {
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('details:not(.above-input)').forEach(d => d.open = true);
}"""
# Images may load lazily (only when scrolled to): load them all before printing.
IMAGES_READY_JS = """async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.complete ? null :
    new Promise(done => { img.addEventListener("load", done); img.addEventListener("error", done); })));
  return images.filter(img => !img.naturalWidth).map(img => img.src);
}"""
# Sphinx writes each formula as TeX in a .math element for MathJax to typeset.
# Ready means: MathJax loaded, its first typesetting finished (startup.promise),
# its fonts loaded, every formula typeset, none with a TeX error or a macro
# MathJax does not know (its "noundefined" package prints those in red).
MATH_READY_JS = r"""async () => {
  const formulas = [...document.querySelectorAll('.math')];
  if (!formulas.length) return {formulas: 0, untypeset: [], errors: []};
  if (!(window.MathJax && MathJax.version && MathJax.startup && MathJax.startup.promise))
    return {formulas: formulas.length, missing: true, untypeset: [], errors: []};
  await MathJax.startup.promise;
  await document.fonts.ready;
  const errors = [];
  for (const item of MathJax.startup.document.math) {
    const mathml = MathJax.startup.toMML(item.root);
    const error = mathml.match(/data-mjx-error="([^"]*)"/);
    const unknown = mathml.match(/<mtext mathcolor="red">(\\[^<]*)<\/mtext>/);
    if (error) errors.push(`${item.math.trim()}: ${error[1]}`);
    if (unknown) errors.push(`${item.math.trim()}: unknown macro ${unknown[1]}`);
  }
  return {
    formulas: formulas.length,
    untypeset: formulas.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.trim()),
    errors,
  };
}"""
# Links written as "chapters/intro.html#x" point into this very page: make them
# "#x" so that chromium turns them into links inside the PDF. Links to other
# files of the local site (downloads) would be dead on paper: plain text.
LOCAL_LINKS_JS = """() => {
  const here = location.href.split('#')[0];
  document.querySelectorAll('a[href]').forEach(a => {
    const [page, target] = a.href.split('#');
    if (page === here && target) a.setAttribute('href', '#' + target);
    else if (page !== here && new URL(a.href).origin === location.origin) a.removeAttribute('href');
  });
}"""
# Controls of the web page (buttons, search fields, navigation) that would print.
VISIBLE_CHROME_JS = """() => [...document.querySelectorAll('button, input, select, nav, [role="button"]')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => e.outerHTML.slice(0, 120))"""
# The title page and the contents, at the start of the article. Each contents
# line links to its chapter; its page number is filled in after the first print
# (PAGE_NUMBERS_JS).
FRONT_MATTER_JS = """(book) => {
  const article = document.querySelector('article.bd-article');
  const make = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const cover = make('section', 'valor-print-cover');
  cover.append(make('p', 'valor-print-title', book.title));
  for (const line of book.cover_lines) cover.append(make('p', '', line));
  const contents = make('nav', 'valor-print-contents');
  contents.setAttribute('aria-label', 'Contents');
  contents.append(make('p', 'valor-print-contents-title', 'Contents'));
  const list = make('ol');
  const missing = [];
  for (const part of book.parts) {
    if (part.caption) list.append(make('li', 'valor-print-part', part.caption));
    for (const docname of part.docnames) {
      const anchor = docname === book.root ? article.querySelector('section')
                                           : document.getElementById('document-' + docname);
      const section = anchor && (anchor.matches('section') ? anchor : anchor.nextElementSibling);
      const heading = section && section.querySelector('h1, h2');
      if (!heading) { missing.push(docname); continue; }
      const title = heading.cloneNode(true);
      title.querySelectorAll('.headerlink').forEach(e => e.remove());
      const target = anchor.id || section.id;
      const link = make('a');
      link.href = '#' + target;
      link.append(make('span', 'valor-print-entry', title.textContent.trim()), make('span', 'valor-print-leader'),
                  make('span', 'valor-print-page', '000'));
      link.lastChild.dataset.target = target;
      const item = make('li');
      item.append(link);
      list.append(item);
    }
  }
  contents.append(list);
  article.prepend(cover, contents);
  return missing;
}"""
PAGE_NUMBERS_JS = """(pages) => document.querySelectorAll('.valor-print-page').forEach(
  e => { e.textContent = pages[e.dataset.target]; })"""
# The singlehtml page carries no search index, but pydata-sphinx-theme's layout
# asks for one on every page: answer with an empty one rather than a 404.
EMPTY_SEARCH_INDEX = "Search.setIndex({});"


# Debian's fonts for the scripts the book prints beyond Latin: a Japanese
# reference title and the emoji of the execution-status table.
PRINT_FONTS = "fonts-noto-cjk fonts-noto-color-emoji"


class PrintFailed(RuntimeError):
    """The page to print did not load completely (what failed is in the message)."""


@dataclass
class FrontMatter:
    """What the title page and the contents say."""

    title: str
    running_title: str
    cover_lines: list[str]
    root: str
    parts: list[dict] = field(default_factory=list)  # {"caption": str | None, "docnames": [...]}


def root_docname(root: Path) -> str:
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return str(Path(toc["root"]).with_suffix(""))


def pdf_path(root: Path, edition: str = "reader") -> Path:
    suffix = "" if edition == "reader" else f"-{edition}"
    return root / "_build" / "pdf" / f"valor-book-{__version__}{suffix}.pdf"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def release_date(root: Path) -> dt.date | None:
    """The version's release date, from CITATION.cff (kept equal to CHANGELOG.md's)."""
    path = root / "CITATION.cff"
    if not path.exists():
        return None
    released = yaml.safe_load(path.read_text(encoding="utf-8")).get("date-released")
    return dt.date.fromisoformat(str(released)) if released else None


def toc_parts(root: Path) -> list[dict]:
    """The root document, then each part of _toc.yml: its caption and documents, in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))

    def files(entries) -> list[str]:
        names = []
        for entry in entries or []:
            if "file" in entry:
                names.append(str(Path(entry["file"]).with_suffix("")))
            names += files(entry.get("sections")) + files(entry.get("chapters"))
        return names

    parts = [{"caption": None, "docnames": [root_docname(root)] + files(toc.get("chapters"))}]
    parts += [
        {"caption": p.get("caption"), "docnames": files(p.get("chapters"))} for p in toc.get("parts", [])
    ]
    return parts


def front_matter(root: Path, edition: str, printed: dt.date | None = None) -> FrontMatter:
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    released = release_date(root)
    version = f"Version {__version__}" + (f", released {long_date(released)}" if released else "")
    lines = [
        str(config.get("author") or ""),
        version,
        "Student edition (without solutions)" if edition == "student" else "",
        f"Printed {long_date(printed or dt.date.today())}",
    ]
    return FrontMatter(
        title=str(config["title"]),
        running_title=f"{config['title']} · version {__version__}",
        cover_lines=[line for line in lines if line],
        root=root_docname(root),
        parts=toc_parts(root),
    )


# The headings chromium makes the PDF's bookmarks of (those printed, in page order), as
# printed: without their "#" link.
HEADINGS_JS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter(h => h.getClientRects().length)
  .map(h => { const copy = h.cloneNode(true);
              copy.querySelectorAll('.headerlink').forEach(a => a.remove());
              return copy.textContent.replace(/\\s+/g, ' ').trim(); })"""


def running_title_css(text: str) -> str:
    """The book's title and version in the bottom-left margin of every page but the first."""
    return f"@page {{ @bottom-left {{ content: {json.dumps(text, ensure_ascii=False)}; }} }}"


class _Watch:
    """Everything that went wrong while a page loaded: failed requests, HTTP errors,
    requests that would leave the machine, script errors and console errors."""

    def __init__(self, tab, blocked: list[str]):
        self.problems: dict[str, str] = {}
        self.blocked = blocked
        tab.on("response", self._response)
        tab.on("requestfailed", lambda r: self.problems.setdefault(r.url, f"failed ({r.failure})"))
        tab.on("pageerror", lambda e: self.problems.setdefault(f"script error: {e}", "uncaught"))
        tab.on("console", self._console)

    def _response(self, response):
        if response.status >= 400:
            self.problems[response.url] = f"HTTP {response.status}"

    def _console(self, message):
        # chromium logs each failed request again as "Failed to load resource".
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.setdefault(f"console error: {message.text}", "console")

    def check(self, what: str) -> None:
        found = [f"{url}: {why}" for url, why in self.problems.items()]
        found += [f"{url}: blocked (outside 127.0.0.1)" for url in self.blocked]
        if found:
            raise PrintFailed(f"{what}: {len(found)} problem(s)\n  " + "\n  ".join(found))


def _serve_from_site_root(tab, url: str, base: str) -> None:
    """Sphinx's singlehtml builder writes every link as seen from the site's root
    (``_static/...``, ``_images/...``, ``chapters/intro.html#x``) even when the root
    document lies in a folder (``chapters/intro.html``), because all its documents
    map to one page (``SingleFileHTMLBuilder.get_target_uri``; the same problem:
    useblocks/sphinx-simplepdf#114). A ``<base>`` element makes them resolve there."""

    def with_base(route):
        response = route.fetch()
        if not response.ok:
            route.fulfill(response=response)
            return
        body = response.text().replace("<head>", f'<head><base href="{base}/">', 1)
        route.fulfill(response=response, body=body)

    tab.route(url, with_base)
    tab.route(
        f"{base}/searchindex.js",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=EMPTY_SEARCH_INDEX),
    )


def load_for_print(tab, url: str, base: str, blocked: list[str]) -> _Watch:
    """Open ``url`` and wait until it is ready to print; raise PrintFailed if anything is missing."""
    watch = _Watch(tab, blocked)
    _serve_from_site_root(tab, url, base)
    # pydata-sphinx-theme's colour mode: light on paper (and no console error
    # about an unset mode on a fresh profile).
    tab.add_init_script("localStorage.setItem('mode', 'light'); localStorage.setItem('theme', 'light');")
    tab.goto(url, wait_until="load")
    math = tab.evaluate(MATH_READY_JS)
    if math.get("missing"):
        watch.problems["MathJax"] = f"not loaded, so {math['formulas']} formula(s) would print as raw TeX"
    for formula in math["untypeset"]:
        watch.problems[f"formula {formula[:80]}"] = "not typeset by MathJax"
    for error in math["errors"]:
        watch.problems[f"formula {error[:120]}"] = "MathJax could not typeset it"
    for src in tab.evaluate(IMAGES_READY_JS):
        watch.problems.setdefault(src, "image did not load")
    watch.check(f"{url} is not ready to print")
    return watch


def chapter_pages(pdf: Path, targets: list[str]) -> dict[str, int]:
    """target id -> the number of the page it is printed on (1 = the title page)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    dests = reader.named_destinations
    missing = [t for t in targets if f"/{t}" not in dests]
    if missing:
        raise PrintFailed(f"no place in the PDF for {missing}: their contents lines would have no page")
    return {t: reader.get_destination_page_number(dests[f"/{t}"]) + 1 for t in targets}


@contextlib.contextmanager
def text_pages(pdf: Path):
    """Each page of ``pdf`` as PDFium reads its text (the whole book: 0.5 s; pypdf's
    extract_text took 8.5 s)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        yield [document[i].get_textpage() for i in range(len(document))]
    finally:
        document.close()


def pages_without_glyphs(pdf: Path) -> list[int]:
    """Pages with characters no installed font has: chromium prints them as glyph 0
    (an empty box), which reads back as U+0000."""
    import pypdfium2.raw as pdfium_c

    with text_pages(pdf) as pages:
        return [
            number
            for number, text in enumerate(pages, start=1)
            if any(pdfium_c.FPDFText_GetUnicode(text, i) == 0 for i in range(text.count_chars()))
        ]


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in reading order. PDFium gives a hyphen that ends a line as U+0002:
    read as "-"."""
    with text_pages(pdf) as pages:
        return [text.get_text_bounded().replace("\x02", "-") for text in pages]


def prepare_for_paper(tab, book: FrontMatter) -> list[str]:
    """Unfold, restyle for print, check that no web-page control shows, add the
    title page and the contents; returns the contents' link targets."""
    tab.evaluate(UNFOLD_JS)
    tab.evaluate(LOCAL_LINKS_JS)
    tab.add_style_tag(content=PRINT_CSS + running_title_css(book.running_title))
    tab.emulate_media(media="print")
    chrome = tab.evaluate(VISIBLE_CHROME_JS)
    if chrome:
        raise PrintFailed(f"web-page controls would print: {chrome}")
    missing = tab.evaluate(FRONT_MATTER_JS, asdict(book))
    if missing:
        raise PrintFailed(f"documents of _toc.yml not found in the page: {missing}")
    return tab.eval_on_selector_all(".valor-print-page", "es => es.map(e => e.dataset.target)")


def outline_entries(parent) -> list:
    """The bookmarks under ``parent`` (PDF outline dictionaries), depth first: page order."""
    found, entry = [], parent.get("/First")
    while entry is not None:
        entry = entry.get_object()
        found += [entry, *outline_entries(entry)]
        entry = entry.get("/Next")
    return found


def is_chromiums_title(title: str, heading: str) -> bool:
    """Whether chromium's bookmark ``title`` stands for ``heading``: the same words, less
    the spaces where the heading wrapped; for a heading a page break moved on, its number
    and its first line each twice ("1.6. 1.6. SummarySummary", "3.5. 3.5. Deaths,
    permanent ventilation andDeaths, permanent ventilation andwithdrawals")."""
    squeezed = "".join(title.split())
    number = re.match(r"\d+(\.\d+)*\.\s", heading)
    number = number.group(0).strip() if number else ""
    words = "".join(heading[len(number) :].split())
    if squeezed == number + words:
        return True
    return any(squeezed == number * 2 + words[:end] * 2 + words[end:] for end in range(1, len(words) + 1))


def name_bookmarks(pdf: Path, headings: list[str]) -> None:
    """Give each of the PDF's bookmarks the text of its heading, as printed. Chromium builds
    them from the headings but drops the space where one wraps, and repeats one that a
    page break moved on.

    The renamed bookmarks are appended to the file as an incremental update (PDF 1.7,
    section 7.5.6): their new objects, a cross-reference section for them and a trailer
    pointing back to the printed one; the pages stay byte for byte as printed. (pypdf's
    incremental writer reads all 42,000 objects of the book first: 4.2 s.)"""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, NameObject, NumberObject, TextStringObject

    reader = PdfReader(pdf)
    entries = outline_entries(reader.trailer["/Root"]["/Outlines"].get_object())
    if len(entries) != len(headings):
        raise PrintFailed(f"the PDF has {len(entries)} bookmarks for {len(headings)} printed headings")
    renamed = {}
    for entry, heading in zip(entries, headings, strict=True):
        title = str(entry["/Title"])
        if not is_chromiums_title(title, heading):
            raise PrintFailed(f"the bookmark {title!r} is not the heading {heading!r}")
        if title != heading:
            entry[NameObject("/Title")] = TextStringObject(heading)
            renamed[entry.indirect_reference.idnum] = entry
    if not renamed:
        return
    printed = pdf.read_bytes()
    previous = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", printed[-1024:])
    if previous is None:
        raise PrintFailed(f"{pdf} does not end with a cross-reference offset")
    update, offsets = io.BytesIO(), {}
    update.write(b"\n")
    for number, entry in sorted(renamed.items()):
        offsets[number] = len(printed) + update.tell()
        update.write(f"{number} 0 obj\n".encode())
        entry.write_to_stream(update)
        update.write(b"\nendobj\n")
    xref = len(printed) + update.tell()
    update.write(b"xref\n0 1\n0000000000 65535 f \n")  # object 0 first, as readers expect
    for number, offset in offsets.items():  # one subsection per object; each line 20 bytes
        update.write(f"{number} 1\n{offset:010d} 00000 n \n".encode())
    trailer = DictionaryObject(
        {
            NameObject(key): reader.trailer.raw_get(key)
            for key in ("/Size", "/Root", "/Info", "/ID")
            if key in reader.trailer
        }
    )
    trailer[NameObject("/Prev")] = NumberObject(int(previous[1]))
    update.write(b"trailer\n")
    trailer.write_to_stream(update)
    update.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
    with open(pdf, "ab") as out:
        out.write(update.getvalue())


def print_with_page_numbers(tab, pdf: Path, targets: list[str]) -> None:
    """Print once to learn where each contents target lands, write those page
    numbers into the contents, print again."""
    options = dict(
        path=str(pdf),
        format="A4",
        print_background=True,
        outline=True,
        tagged=True,
        prefer_css_page_size=True,
    )
    tab.pdf(**options)
    pages = chapter_pages(pdf, targets)
    tab.evaluate(PAGE_NUMBERS_JS, {t: str(n) for t, n in pages.items()})
    tab.pdf(**options)
    if chapter_pages(pdf, targets) != pages:
        raise PrintFailed("writing the page numbers into the contents moved the chapters")
    name_bookmarks(pdf, tab.evaluate(HEADINGS_JS))
    boxes = pages_without_glyphs(pdf)
    if boxes:
        raise PrintFailed(
            f"characters printed as empty boxes on page(s) {boxes}: no installed font has them "
            f"(`make browser` installs Debian's {PRINT_FONTS})"
        )


def print_pdf(site: Path, page: str, out: Path, book: FrontMatter, chromium=None) -> int:
    """Print ``site/page`` (a single-page build) to ``out``; returns the page count.
    Raises PrintFailed, leaving ``out`` as it was, when anything is missing.
    ``chromium``: a browser already launched, to print in a context of its own (the
    tests' small pages share one); by default one is launched for the print."""
    from pypdf import PdfReader

    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    try:
        with browser.serve(site) as base, _launched_unless_given(chromium) as instance:
            blocked: list[str] = []
            context = browser.offline_context(instance, blocked)
            try:
                tab = context.new_page()
                watch = load_for_print(tab, f"{base}/{page}", base, blocked)
                print_with_page_numbers(tab, partial, prepare_for_paper(tab, book))
                watch.check(f"printing {base}/{page}")
            finally:
                context.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    count = len(PdfReader(partial).pages)
    os.replace(partial, out)
    return count


@contextlib.contextmanager
def _launched_unless_given(chromium):
    if chromium is not None:
        yield chromium
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = browser.launch(playwright)
        try:
            yield launched
        finally:
            launched.close()


def printed_from(pdf: Path) -> Path:
    """Where the fingerprint of the sources a PDF was printed from is kept (beside it):
    ``make pdf`` with nothing changed returns at once, as ``make book`` does."""
    return pdf.with_name(f".{pdf.name}.sources")


def single_page_output(edition: str) -> str:
    """The single-page build's folder under ``<work>/_build/`` (beside the HTML editions')."""
    return "singlehtml" if edition == "reader" else f"singlehtml-{edition}"


def run(root: Path, edition: str = "reader", out: Path | None = None) -> int:
    root = root.resolve()
    os.environ["VALOR_BOOK_ROOT"] = str(root)
    out = (out or pdf_path(root, edition)).resolve()
    started = time.perf_counter()
    try:
        browser.chromium_path()
    except browser.BrowserMissing as err:
        print(f"Cannot print the PDF: {err}", file=sys.stderr)
        return 1
    state, record = uptodate.fingerprint(root, {"pdf": edition}), printed_from(out)
    if out.exists() and record.exists() and record.read_text(encoding="utf-8") == state:
        print(f"Nothing changed since the last PDF: {out} is up to date.")
        return 0
    record.unlink(missing_ok=True)
    errors = data.validate_all()
    if errors:
        print("PDF stopped: data validation failed.\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    work = root / "_build" / ".work"
    with build.locked(work):  # one build at a time in the shared work folder
        code = build.build_html(
            root,
            work,
            build.write_config(root, work, build.EDITIONS[edition]),
            builder="singlehtml",
            output=single_page_output(edition),
        )
        if code != 0:
            build._forget_incremental_state(work)
    if code != 0:
        print(
            f"PDF stopped: the single-page build failed (exit code {code}); "
            f"the last PDF in {out.parent} was left untouched.",
            file=sys.stderr,
        )
        return code
    built = time.perf_counter()
    try:
        pages = print_pdf(
            work / "_build" / single_page_output(edition),
            f"{root_docname(root)}.html",
            out,
            front_matter(root, edition),
        )
    except PrintFailed as err:
        print(f"PDF stopped: {err}\nThe last PDF in {out.parent} was left untouched.", file=sys.stderr)
        return 1
    record.write_text(state, encoding="utf-8")
    done = time.perf_counter()
    print(
        f"\nPDF written in {done - started:.1f} s (single-page build {built - started:.1f} s, "
        f"printing {done - built:.1f} s): {out} ({pages} pages)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the book's folder")
    parser.add_argument("--edition", choices=sorted(build.EDITIONS), default="reader")
    parser.add_argument("--out", type=Path, default=None, help="the PDF (default _build/pdf/...)")
    args = parser.parse_args(argv)
    return run(args.root, args.edition, args.out)


if __name__ == "__main__":
    sys.exit(main())
