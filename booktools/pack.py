"""Notebook packs: each edition's chapters as notebooks that read like the page and run anywhere.

``python -m booktools.pack`` (run by :func:`booktools.build.run` after every
successful build, so ``make book`` and ``make release`` publish them) turns the
notebooks the build executed (myst-nb writes them to ``<work>/_build/jupyter_execute``,
with what they glued beside them in ``<page>.glue.json``)
into plain Jupyter notebooks:

* glue roles and directives are replaced by the glued values (text, Markdown
  tables); a glued figure becomes an ordinary image output (the book's SVG) of a one-line
  cell (``valor.book.show_figure``) where the page shows it, and the hidden
  ``application/papermill.record/...`` outputs go;
* admonitions, exercises, solutions, dropdowns, tables and figures' captions,
  ``{numref}``, ``{ref}``, ``{doc}``, ``{term}``, ``{footcite}`` and the other roles
  become Markdown, with the numbers and titles the built site gives them;
* the student edition leaves out every solution (:mod:`booktools.teaching`) and
  the pages for instructors (:data:`INSTRUCTOR_PAGES`).

A pack (``valor-notebooks-<version>.zip``, ``valor-notebooks-<version>-student.zip``)
holds the notebooks, ``data/`` with its manifest, ``references.bib``, the ``valor``
package's source (importable from the pack's folder, where the notebooks run),
``requirements.txt`` pinned exactly from ``uv.lock`` (only what the notebooks need)
and a README with the two commands that set up a venv and run the notebooks.
"""

from __future__ import annotations

import argparse
import ast
import copy
import html
import json
import os
import re
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from booktools.teaching import DIRECTIVE, OPTION, _closes, strip_notebook_solutions

# Pages for instructors: in the reader edition only (never in a student pack or site).
INSTRUCTOR_PAGES = ("chapters/instructor_guide", "chapters/answer_key")
# The site's build status (which packages the build used): nothing to run elsewhere.
SITE_ONLY_PAGES = ("chapters/status",)
# What the notebooks import (valor's dependencies, the kernel, and nbclient's
# `jupyter execute`); requirements.txt pins these and what they need, from uv.lock.
PACK_REQUIREMENTS = (
    "numpy",
    "pandas",
    "matplotlib",
    "scipy",
    "pandera",
    "pyyaml",
    "statsmodels",
    "ipykernel",
    "nbclient",
)
# Beside data/ and valor/: the sources, how to cite the book, its licences.
PACK_ROOT_FILES = ("references.bib", "CITATION.cff", "LICENSE", "LICENSE-text")
DATA_DOWNLOADS = "_downloads/data"  # in the site: each table's CSV and manifest entry
RECORD_MIME = "application/papermill.record/"
# The line _ext/valor_downloads.py prints once Sphinx has written every page, before its
# last phase (viewcode's highlighting, the search index): the packs can be made from then.
PAGES_WRITTEN = "valor: every page is written"
ROLE = re.compile(r"\{(?P<role>[A-Za-z0-9:_-]+)\}`(?P<content>[^`]*)`")
TITLED_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
LABEL_LINE = re.compile(r"^\((?P<label>[A-Za-z0-9_.:-]+)\)=\s*$")
ADMONITION_TITLES = {
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
}


def book_version(root: Path) -> str:
    """``__version__`` of ``ROOT/valor/__init__.py``."""
    from booktools.release import read_version

    return read_version(root)


def pack_name(version: str, edition: str) -> str:
    """The pack's file name: ``valor-notebooks-<version>[-<edition>].zip``."""
    suffix = "" if edition == "reader" else f"-{edition}"
    return f"valor-notebooks-{version}{suffix}.zip"


# --------------------------------------------------------------------------- the site's names


@dataclass
class Target:
    docname: str
    text: str  # "Fig. 3.1", "Table 3.2", "Exercise 3.1", or a section's title


@dataclass
class SiteIndex:
    """What the built site calls each label and page (numbers and titles as the reader sees them)."""

    targets: dict[str, Target] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # docname -> page title


def _heading_text(heading) -> str:
    for extra in heading.select(".section-number, .headerlink"):
        extra.decompose()
    return " ".join(heading.get_text(" ", strip=True).split())


def page_targets(html_text: str) -> dict:
    """One page's title and labelled targets, in page order: ``{"title": str | None,
    "targets": [[id, text, numbered], ...]}`` (numbered: a figure's, table's or
    exercise's caption number rather than a section's title)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html_text, "html.parser")
    main = soup.find("main") or soup
    h1 = main.find("h1")
    found = {"title": _heading_text(copy.copy(h1)) if h1 is not None else None, "targets": []}
    for element in main.find_all(id=True):
        # (only these can hold a caption number: a section's whole subtree is not searched)
        number = element.find(class_="caption-number") if element.name in ("figure", "table", "div") else None
        if number is not None:
            found["targets"].append([element["id"], number.get_text(strip=True), True])
            continue
        section = element if element.name == "section" else element.find_next_sibling("section")
        heading = section.find(re.compile(r"^h[1-6]$")) if section is not None else None
        if heading is not None:
            found["targets"].append([element["id"], _heading_text(copy.copy(heading)), False])
    return found


def site_index(site: Path, docnames: list[str], kept: Path | None = None) -> SiteIndex:
    """Numbers and titles of every labelled figure, table, exercise and section of the pages.

    Parsing a page takes about 0.15 s. With ``kept`` (a JSON file), each page's targets are
    kept there under the page's digest, so a build re-parses only the pages it rewrote."""
    import hashlib

    before = json.loads(kept.read_text(encoding="utf-8")) if kept is not None and kept.exists() else {}
    now = {}
    index = SiteIndex()
    for docname in docnames:
        page = site / f"{docname}.html"
        if not page.exists():
            continue
        text = page.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        found = before.get(digest) or page_targets(text)
        now[digest] = found
        if found["title"] is not None:
            index.titles[docname] = found["title"]
        for target_id, label, numbered in found["targets"]:
            # a caption number wins over a section's title; of two sections, the first
            if numbered or target_id not in index.targets:
                index.targets[target_id] = Target(docname, label)
    if kept is not None:
        kept.write_text(json.dumps(now), encoding="utf-8")
    return index


# --------------------------------------------------------------------------- citations


def citation_names(bib: Path) -> dict[str, tuple[str, str, str]]:
    """key -> (authors as cited, year, full reference) from ``references.bib``."""
    from pybtex.database import parse_file

    names = {}
    for key, entry in parse_file(str(bib)).entries.items():
        people = entry.persons.get("author", [])
        lasts = [" ".join(person.last_names).replace("{", "").replace("}", "") for person in people]
        if not lasts:
            field_ = next(
                (f for f in ("organization", "institution", "publisher") if f in entry.fields), None
            )
            lasts = [entry.fields[field_].replace("{", "").replace("}", "")] if field_ else [key]
        authors = (
            lasts[0] if len(lasts) == 1 else " and ".join(lasts) if len(lasts) == 2 else f"{lasts[0]} et al."
        )
        year = entry.fields.get("year", "n.d.")
        title = entry.fields.get("title", "").replace("{", "").replace("}", "")
        url = entry.fields.get("url") or (
            f"https://doi.org/{entry.fields['doi']}" if "doi" in entry.fields else ""
        )
        names[key] = (authors, year, f"{authors} ({year}). {title}." + (f" <{url}>" if url else ""))
    return names


# --------------------------------------------------------------------------- Markdown


@dataclass
class Page:
    """What converting one notebook needs to know."""

    docname: str
    glued: dict[str, dict]  # key -> the glue output (nbformat)
    index: SiteIndex
    citations: dict[str, tuple[str, str, str]]
    notebook_names: dict[str, str]  # docname -> file name in the pack
    student: bool
    cited: list[str] = field(default_factory=list)  # keys cited since the last bibliography


def glued_text(output: dict) -> str:
    """The text a glue output shows: the string glued (text/plain holds its repr), or its Markdown."""
    data = output["data"]
    if "text/markdown" in data:
        return data["text/markdown"]
    plain = data["text/plain"]
    try:
        value = ast.literal_eval(plain)
    except (ValueError, SyntaxError):
        return plain
    return value if isinstance(value, str) else plain


def _link(page: Page, label: str, text: str) -> str:
    target = page.index.targets.get(label)
    if target is None:
        return text
    if target.docname == page.docname:
        return f"[{text}](#{label})"
    notebook = page.notebook_names.get(target.docname)
    return f"[{text}]({notebook}#{label})" if notebook else text


def _split_target(content: str) -> tuple[str | None, str]:
    match = TITLED_TARGET.match(content.strip())
    return (match["title"], match["target"].strip()) if match else (None, content.strip())


def _cite(page: Page, keys: str, textual: bool) -> str:
    parts = []
    for key in (k.strip() for k in keys.split(",") if k.strip()):
        if key not in page.cited:
            page.cited.append(key)
        authors, year, _ = page.citations.get(key, (key, "", ""))
        parts.append(f"{authors} ({year})" if textual else f"{authors}, {year}")
    return ", ".join(parts) if textual else f"({'; '.join(parts)})"


def _glue_value(page: Page, key: str) -> str:
    key = key.split(":", 1)[0].strip()
    if key not in page.glued:
        raise KeyError(f"{page.docname}: nothing glued as '{key}'")
    return glued_text(page.glued[key])


def convert_role(page: Page, role: str, content: str) -> str:
    """A MyST role as Markdown."""
    if role in ("glue", "glue:text", "glue:md", "glue:any"):
        return _glue_value(page, content)
    title, target = _split_target(content)
    if role == "numref":
        found = page.index.targets.get(target)
        number = found.text if found else target
        text = title.replace("{number}", number.split()[-1]).replace("{name}", number) if title else number
        return _link(page, target, text)
    if role == "ref":
        found = page.index.targets.get(target)
        return _link(page, target, title or (found.text if found else target))
    if role == "doc":
        docname = target.removesuffix(".md").removeprefix("/")
        if not docname.startswith("chapters/"):
            docname = f"chapters/{Path(docname).name}"
        text = title or page.index.titles.get(docname, Path(docname).name)
        notebook = page.notebook_names.get(docname)
        return f"[{text}]({notebook})" if notebook else text
    if role.startswith(("footcite", "cite")):
        return _cite(page, target, textual=role.endswith(":t"))
    if role.startswith("py:"):
        name = target.lstrip("~").split(".")[-1] if target.startswith("~") else target
        return f"`{title or name}{'()' if role in ('py:func', 'py:meth') and not title else ''}`"
    return title or target


def convert_inline(page: Page, text: str) -> str:
    """Every role in ``text`` replaced by its Markdown (glued Markdown may hold roles too)."""
    for _ in range(3):
        new = ROLE.sub(lambda m: convert_role(page, m["role"], m["content"]), text)
        if new == text:
            break
        text = new
    return text


@dataclass
class Directive:
    name: str
    argument: str
    options: dict[str, str]
    body: str


def _read_directive(lines: list[str], start: int) -> tuple[Directive, int]:
    """The directive opened at ``lines[start]`` and the index of the line after its closing fence."""
    match = DIRECTIVE.match(lines[start])
    fence = match["fence"]
    end = start + 1
    while end < len(lines) and not _closes(lines[end], fence):
        end += 1
    body = lines[start + 1 : end]
    options: dict[str, str] = {}
    if body and body[0].strip() == "---":  # YAML options block
        close = body.index("---", 1) if "---" in body[1:] else 0
        options = {k: str(v) for k, v in (yaml.safe_load("\n".join(body[1:close])) or {}).items()}
        body = body[close + 1 :]
    else:
        while body and (option := OPTION.match(body[0])):
            options[option["key"]] = option["value"]
            body = body[1:]
    return Directive(match["name"], match["arg"], options, "\n".join(body).strip("\n")), end + 1


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def _anchor(label: str | None) -> str:
    return f'<a id="{html.escape(label)}"></a>' if label else ""


def _numbered(page: Page, label: str | None, fallback: str) -> str:
    found = page.index.targets.get(label or "")
    return found.text if found else fallback


def convert_directive(page: Page, directive: Directive) -> list[str | tuple[str, str]]:
    """A directive as Markdown pieces; a ``("figure", key)`` piece is a glued figure's place."""
    name, argument, options = directive.name, directive.argument, directive.options
    label = options.get("name") or options.get("label")
    body = convert_markdown(page, directive.body)
    if name == "glue:figure":
        caption = "".join(p for p in body if isinstance(p, str)).strip()
        number = _numbered(page, label, "Figure")
        return [("figure", argument), f"{_anchor(label)}**{number}.** {caption}".strip()]
    if name in ("glue:md", "glue"):
        return [convert_inline(page, _glue_value(page, argument))]
    if name == "table":
        number = _numbered(page, label, "Table")
        caption = convert_inline(page, argument)
        return [f"{_anchor(label)}**{number}.** {caption}\n\n", *body]
    if name == "footbibliography":
        references = [page.citations.get(key, (key, "", key))[2] for key in page.cited]
        page.cited.clear()
        return ["**References**\n\n" + "\n".join(f"- {ref}" for ref in references)] if references else []
    text = "".join(p for p in body if isinstance(p, str))
    figures = [p for p in body if not isinstance(p, str)]
    if name == "exercise":
        title = convert_inline(page, argument)
        number = _numbered(page, label, "Exercise")
        heading = f"{_anchor(label)}**{number}**" + (f" — {title}" if title else "")
        return [_quote(f"{heading}\n\n{text}"), *figures]
    if name == "solution":
        number = _numbered(page, argument, "the exercise")
        return [f"<details>\n<summary>Solution to {number}</summary>\n\n{text}\n\n</details>", *figures]
    if name == "solution-start":
        return [f"**Solution to {_numbered(page, argument, 'the exercise')}**\n\n{text}".strip()]
    if name == "solution-end":
        return [text]
    if name == "dropdown":
        title = convert_inline(page, argument) or "Details"
        return [f"<details>\n<summary>{title}</summary>\n\n{text}\n\n</details>", *figures]
    if name == "admonition" or name in ADMONITION_TITLES:
        title = convert_inline(page, argument) if name == "admonition" else ADMONITION_TITLES[name]
        return [_quote(f"**{title}**\n\n{text}" if title else text), *figures]
    if name in ("math", "eval-rst", "code", "code-block", "literalinclude", "include"):
        fenced = "$$\n{}\n$$" if name == "math" else "```\n{}\n```"
        return [fenced.format(directive.body)]
    return [text, *figures]  # unknown: its content, as Markdown


def convert_markdown(page: Page, source: str) -> list[str | tuple[str, str]]:
    """A Markdown cell's MyST as plain Markdown pieces (with the places of glued figures)."""
    lines = source.splitlines()
    pieces: list[str | tuple[str, str]] = []
    text: list[str] = []

    def flush():
        if text:
            pieces.append(convert_inline(page, "\n".join(text)) + "\n\n")
            text.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if DIRECTIVE.match(line):
            flush()
            directive, i = _read_directive(lines, i)
            pieces.extend(convert_directive(page, directive))
            pieces.append("\n\n")
            continue
        label = LABEL_LINE.match(line)
        if label:
            text.append(_anchor(label["label"]))
        elif not line.startswith("%"):  # MyST comments
            text.append(line)
        i += 1
    flush()
    return pieces


# --------------------------------------------------------------------------- notebooks


def _is_record(output) -> bool:
    return "scrapbook" in output.get("metadata", {}) or any(
        mime.startswith(RECORD_MIME) for mime in output.get("data", {})
    )


def glued_outputs(nb) -> dict[str, dict]:
    """key -> glue output (MIME types without the record prefix), from every code cell."""
    glued = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = {mime.removeprefix(RECORD_MIME): value for mime, value in output["data"].items()}
                glued[name] = {**output, "data": data}
    return glued


def saved_glue(path: Path) -> dict[str, dict]:
    """key -> glue output, from the file where myst-nb keeps what it took out of an executed
    notebook (``jupyter_execute/<page>.glue.json``); empty if there is none."""
    if not path.exists():
        return {}
    glued = json.loads(path.read_text(encoding="utf-8"))
    return {
        key: {**output, "data": {m.removeprefix(RECORD_MIME): v for m, v in output["data"].items()}}
        for key, output in glued.items()
    }


def figure_cell(key: str, output: dict):
    """A one-line cell showing a glued figure, with the figure as its ordinary output."""
    cell = nbformat.v4.new_code_cell(f'from valor.book import show_figure\n\nshow_figure("{key}")')
    data = {mime: value for mime, value in output["data"].items() if not mime.startswith("application/")}
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    return cell


def convert_notebook(nb, page: Page):
    """The executed notebook as a plain one: see the module's docstring."""
    nb = strip_notebook_solutions(nb) if page.student else copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not _is_record(o)]
            for output in cell.outputs:  # Markdown shown by a cell is MyST too (myst-nb renders it so)
                if "text/markdown" in output.get("data", {}):
                    pieces = convert_markdown(page, output["data"]["text/markdown"])
                    output["data"]["text/markdown"] = "".join(p for p in pieces if isinstance(p, str)).strip()
            cell.metadata.pop("mystnb", None)
            cells.append(cell)
            continue
        if cell.cell_type != "markdown":
            cells.append(cell)
            continue
        markdown = []
        for piece in convert_markdown(page, cell.source):
            if isinstance(piece, str):
                markdown.append(piece)
                continue
            if "".join(markdown).strip():
                cells.append(
                    nbformat.v4.new_markdown_cell(re.sub(r"\n{3,}", "\n\n", "".join(markdown)).strip())
                )
            markdown = []
            cells.append(figure_cell(piece[1], page.glued[piece[1]]))
        if "".join(markdown).strip():
            cells.append(nbformat.v4.new_markdown_cell(re.sub(r"\n{3,}", "\n\n", "".join(markdown)).strip()))
    nb.cells = cells
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    for number, cell in enumerate(nb.cells):  # the same ids at every build: packs differ only by content
        cell["id"] = f"cell-{number}"
    nb.metadata.pop("mystnb", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nb


# --------------------------------------------------------------------------- the pack


def toc_docnames(root: Path) -> list[str]:
    """Every page of ``_toc.yml``, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]
    for part in toc.get("parts", []):
        names += [chapter["file"] for chapter in part.get("chapters", [])]
    return [str(Path(name).with_suffix("")) for name in names]


def edition_docnames(root: Path, executed: Path, edition: str) -> list[str]:
    """The pages with an executed notebook that the edition's pack holds."""
    names = [d for d in toc_docnames(root) if (executed / f"{d}.ipynb").exists() and d not in SITE_ONLY_PAGES]
    return [d for d in names if edition == "reader" or d not in INSTRUCTOR_PAGES]


def notebook_names(docnames: list[str]) -> dict[str, str]:
    """docname -> ``NN_name.ipynb``: the pack's notebooks sort in reading order."""
    return {d: f"{i:02d}_{Path(d).name}.ipynb" for i, d in enumerate(docnames)}


@dataclass(frozen=True)
class BookSources:
    """What every pack of one build is made from besides its notebooks: read once per
    build (parsing every page of the site takes seconds), shared by both editions' packs."""

    index: SiteIndex
    citations: dict[str, tuple[str, str, str]]
    requirements: list[str]

    @classmethod
    def read(cls, root: Path, site: Path, kept_index: Path | None = None) -> BookSources:
        return cls(
            site_index(site, toc_docnames(root), kept_index),
            citation_names(root / "references.bib"),
            locked_requirements(root / "uv.lock"),
        )


def convert_all(root: Path, executed: Path, edition: str, sources: BookSources) -> dict[str, object]:
    """file name in the pack -> converted notebook, for every page of the edition."""
    docnames = edition_docnames(root, executed, edition)
    names = notebook_names(docnames)
    converted = {}
    for docname in docnames:
        nb = nbformat.read(executed / f"{docname}.ipynb", as_version=4)
        glued = glued_outputs(nb) | saved_glue(executed / f"{docname}.glue.json")
        page = Page(docname, glued, sources.index, sources.citations, names, student=edition != "reader")
        converted[names[docname]] = convert_notebook(nb, page)
    return converted


def locked_requirements(lock: Path, roots=PACK_REQUIREMENTS) -> list[str]:
    """``name==version`` lines for ``roots`` and everything they need, as ``uv.lock`` pins them.

    A package reached only through dependencies with environment markers keeps those
    markers (``colorama==0.4.6 ; (sys_platform == 'win32')``); one locked in several
    versions (by Python version) is pinned once per version, each with its markers.
    """
    versions: dict[str, list[dict]] = {}
    for package in tomllib.loads(lock.read_text(encoding="utf-8"))["package"]:
        versions.setdefault(package["name"], []).append(package)

    def edges(name: str, version: str | None, marker: str | None):
        if name not in versions:
            raise KeyError(f"{lock}: '{name}' is not locked (run `make lock` after adding it)")
        for package in versions[name]:
            if version in (None, package.get("version")):
                forked = (
                    " or ".join(package.get("resolution-markers", [])) if len(versions[name]) > 1 else None
                )
                yield package, marker if version and marker else forked or marker

    markers: dict[tuple[str, str], set[str | None]] = {}
    todo = [edge for name in roots for edge in edges(name, None, None)]
    while todo:
        package, marker = todo.pop()
        key = (package["name"], package["version"])
        if marker in markers.setdefault(key, set()):
            continue
        markers[key].add(marker)
        for dependency in package.get("dependencies", []):
            inherited = dependency.get("marker") if marker is None else marker
            todo.extend(edges(dependency["name"], dependency.get("version"), inherited))
    lines = []
    for (name, version), conditions in sorted(markers.items()):
        line = f"{name}=={version}"
        if None not in conditions:
            line += " ; " + " or ".join(f"({c})" for c in sorted(conditions))
        lines.append(line)
    return lines


README = """# {title}: notebooks ({edition}), version {version}

The chapters of the book as Jupyter notebooks, with the data (`data/`, described by
`data/manifest.yml`, sources in `references.bib`) and the `valor` package they import.
Each notebook shows its numbers and figures as executed when this pack was made
({edition_note}).

Two commands, in this folder (Python 3.11 or newer). Set up a virtual environment
with exactly the packages the notebooks were run with:

```
python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
```

Run every notebook again, in order, saving the results in place:

```
.venv/bin/jupyter execute --inplace *.ipynb
```

To read and run them interactively, open this folder in VS Code (choose `.venv` as the
kernel), or install JupyterLab into the venv (`.venv/bin/pip install jupyterlab`) and run
`.venv/bin/jupyter lab`. On Windows, write `.venv\\Scripts\\` for `.venv/bin/`.

The notebooks import `valor` from this folder and read `data/` beside them: keep the
folder's layout as it is. Each table is checked against `data/manifest.yml` when a
notebook loads it; `data/.validated/` notes the tables as the book's build checked them,
so those are read without checking again, and a table you change is checked.{repository}

Notebooks:

{notebooks}
"""


def readme(root: Path, version: str, edition: str, names: list[str]) -> str:
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    note = "every exercise with its solution" if edition == "reader" else "exercises without solutions"
    return README.format(
        title=config.get("title", "The book"),
        edition="student edition" if edition == "student" else "reader edition",
        edition_note=note,
        version=version,
        repository=f" Source of the book: {url}"
        if (url := (config.get("repository") or {}).get("url"))
        else "",
        notebooks="\n".join(f"- `{name}`" for name in names),
    )


def _package_files(root: Path):
    for path in sorted((root / "valor").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def validated_keys(validated: Path) -> list[str]:
    """The validation keys (``valor.data``) of the book's tables as they stand, for those
    the build noted in ``validated`` as validated: shipped in a pack's
    ``data/.validated/``, they spare each notebook of the pack pandera's import and the
    validation of the tables it reads (a fresh-kernel run of the reader pack: 60-69 s
    without, 47-59 s with)."""
    from valor import data

    return sorted(key for key in map(data.table_key, data.table_names()) if (validated / key).is_file())


def write_pack(
    root: Path,
    executed: Path,
    edition: str,
    target: Path,
    version: str,
    sources: BookSources,
    validated: Path,
) -> dict:
    """Write the edition's pack to ``target``; its converted notebooks by file name.
    ``validated``: the folder where the build noted the tables it validated."""
    from valor.data import VALIDATED_BESIDE_DATA

    converted = convert_all(root, executed, edition, sources)
    folder = target.stem
    requirements = "\n".join(sources.requirements) + "\n"
    header = "# Exact versions the notebooks were run with (from the book's uv.lock).\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, nb in converted.items():
            zf.writestr(f"{folder}/{name}", nbformat.writes(nb))
        zf.writestr(f"{folder}/README.md", readme(root, version, edition, list(converted)))
        zf.writestr(f"{folder}/requirements.txt", header + requirements)
        for path in [
            *sorted((root / "data").glob("*")),
            *(root / n for n in PACK_ROOT_FILES),
            *_package_files(root),
        ]:
            if path.is_file():
                zf.write(path, f"{folder}/{path.relative_to(root).as_posix()}")
        for key in validated_keys(validated):
            zf.writestr(f"{folder}/data/{VALIDATED_BESIDE_DATA}/{key}", "")
    partial.replace(target)
    return converted


def write_data_downloads(root: Path, site: Path) -> None:
    """Each data table as ``site/_downloads/data/<table>.csv`` with its manifest entry beside
    it (``<table>.manifest.yml``: the provenance columns explained, then the table's entry)."""
    manifest = yaml.safe_load((root / "data" / "manifest.yml").read_text(encoding="utf-8"))
    folder = site / DATA_DOWNLOADS
    folder.mkdir(parents=True, exist_ok=True)
    for name, entry in manifest["tables"].items():
        (folder / entry["file"]).write_bytes((root / "data" / entry["file"]).read_bytes())
        described = {"provenance_columns": manifest.get("provenance_columns", {}), "tables": {name: entry}}
        text = yaml.safe_dump(described, sort_keys=False, allow_unicode=True, width=100)
        (folder / f"{name}.manifest.yml").write_text(text, encoding="utf-8")


def publish(
    root: Path, executed: Path, site: Path, edition: str, version: str, validated: Path
) -> list[Path]:
    """The packs an edition's site offers, in ``site/_downloads/``; each page's notebook
    download (``_sources/<page>.ipynb``) replaced by the converted notebook; the data
    tables with their manifest entries (:func:`write_data_downloads`)."""
    write_data_downloads(root, site)
    editions = ["reader", "student"] if edition == "reader" else [edition]
    # each page's targets kept beside the edition's output (in the build's work folder)
    sources = BookSources.read(root, site, site.with_name(f".{site.name}.site-index.json"))
    written = []
    for pack_edition in editions:
        target = site / "_downloads" / pack_name(version, pack_edition)
        converted = write_pack(root, executed, pack_edition, target, version, sources, validated)
        written.append(target)
        if pack_edition != edition:
            continue
        by_name = notebook_names(edition_docnames(root, executed, edition))
        for docname, name in by_name.items():
            download = site / "_sources" / f"{docname}.ipynb"
            if download.exists():
                nbformat.write(converted[name], download)
    return written


def main(argv: list[str] | None = None) -> int:
    from booktools import build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--work", type=Path, default=None, help="the build's work folder")
    parser.add_argument("--site", type=Path, default=None, help="the built site (its numbers and titles)")
    parser.add_argument("--edition", choices=sorted(build.EDITIONS), default="reader")
    parser.add_argument(
        "--out", type=Path, default=None, help="the pack (default: in the site's _downloads/)"
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    work = args.work or root / "_build" / ".work"
    site = args.site or root / "_build" / "html"
    version = book_version(root)
    out = args.out or site / "_downloads" / pack_name(version, args.edition)
    sources = BookSources.read(root, site)
    os.environ["VALOR_BOOK_ROOT"] = str(root)  # the tables' keys: of this book's data
    executed = work / "_build" / "jupyter_execute"
    write_pack(root, executed, args.edition, out, version, sources, build.validated_tables(work))
    print(f"{out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
