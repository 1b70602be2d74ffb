"""Shared test helpers: the book's layout, its notebooks, and how to run them."""

from __future__ import annotations

import ast
import functools
import html
import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def toc_docnames(root: Path = ROOT) -> list[str]:
    """Every document listed in _toc.yml, in reading order (read by sphinx-external-toc, as the build does)."""
    toc = root / "_toc.yml"
    return list(_toc_docnames(str(toc), *_stamp(toc)))


def _stamp(path: Path) -> tuple[int, int]:
    """What says a file changed, for the caches below (a test may edit a copy's files)."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=64)
def _toc_docnames(toc: str, *stamp) -> tuple[str, ...]:
    from sphinx_external_toc.parsing import parse_toc_yaml

    site_map = parse_toc_yaml(toc)

    def walk(docname: str) -> list[str]:
        found = [docname]
        for subtree in site_map[docname].subtrees:
            for item in subtree.items:
                if isinstance(item, str):
                    found += walk(item)
        return found

    return tuple(walk(site_map.root.docname))


def is_notebook(path: Path) -> bool:
    """A MyST notebook, as myst-nb tells it (read once per file version: the unit tests
    asked about 1,600 times, 1 s of YAML parsing)."""
    return path.suffix == ".md" and _is_notebook(str(path), *_stamp(path))


@functools.lru_cache(maxsize=1024)
def _is_notebook(path: str, *stamp) -> bool:
    from myst_nb.core.read import is_myst_markdown_notebook

    return is_myst_markdown_notebook(Path(path).read_text(encoding="utf-8"))


def notebook_docnames(root: Path = ROOT) -> list[str]:
    return [d for d in toc_docnames(root) if is_notebook(root / f"{d}.md")]


def glued_values(glue: dict) -> dict[str, str]:
    """key -> glued text (Markdown source for glued Markdown, '<figure>' for a figure), from
    the glue data myst-nb took out of an executed notebook (``jupyter_execute/<page>.glue.json``)."""
    values = {}
    for key, output in glue.items():
        data = output.get("data", {})
        if "image/png" in data or "image/svg+xml" in data:
            values[key] = "<figure>"
        elif "text/markdown" in data:  # glued Markdown (for {glue:md}): its source
            values[key] = data["text/markdown"]
        else:
            values[key] = ast.literal_eval(data["text/plain"])
    return values


def parsed_page(path: Path):
    """The HTML page at ``path`` parsed once per test process and shared: read it, never
    change it (``fresh_page`` gives a copy to change). html.parser takes about 40 ms a
    page, and the site tests read the same pages over 500 times."""
    return _parsed(str(path), *_stamp(path))


def fresh_page(path: Path):
    """The HTML page at ``path``, parsed anew: a tree of the caller's own to change."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@functools.lru_cache(maxsize=128)
def _parsed(path: str, *stamp):
    return fresh_page(Path(path))


# A page's markup, for text_of: comments, scripts and styles whole, then every other tag.
MARKUP = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|<!\[CDATA\[.*?\]\]>|<[^>]*>", re.S | re.I)


def words(text: str) -> str:
    """``text`` with each run of white space as one space: the leak checks compare words."""
    return " ".join(text.split())


def text_of(page_html: str) -> str:
    """The words of an HTML page's text, as BeautifulSoup's get_text gives them (tested in
    tests/site/test_editions.py) without building the page's tree: 0.04 s a site instead of 3.7 s."""
    return words(html.unescape(MARKUP.sub("", page_html)))


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


BACK_MATTER = re.compile(r"^(back matter|for instructors and readers|appendi(x|ces)\b)", re.I)


def content_chapters(root: Path = ROOT) -> list[str]:
    """The notebooks in _toc.yml other than the root (the introduction) and the back
    matter (parts captioned "Back matter", "For instructors and readers", "Appendix ...")."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = []

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(str(Path(entry["file"]).with_suffix("")))
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        if not BACK_MATTER.match(part.get("caption", "")):
            walk(part.get("chapters"))
    walk(toc.get("chapters"))
    root_doc = str(Path(toc["root"]).with_suffix(""))
    return [n for n in names if n != root_doc and is_notebook(root / f"{n}.md")]


def chapter_title(docname: str, root: Path = ROOT) -> str:
    """The text of a chapter's first level-1 heading."""
    for line in (root / f"{docname}.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError(f"{docname}.md has no '# ' title")


# Left out of a copy: build outputs, tools and caches; `site` (released versions) and
# `_build` only at the top (tests/site/ is part of the project).
COPY_IGNORE_TOP = {".venv", "_build", "site", "node_modules"}
COPY_IGNORE_ANYWHERE = {".git", ".pytest_cache", ".ruff_cache", "__pycache__"}


def copy_project(dest: Path, root: Path = ROOT) -> Path:
    """A throw-away copy of the book (sources, data, valor/, tests) for builds that edit files."""
    import shutil

    def ignore(folder, names):
        left_out = {n for n in names if n in COPY_IGNORE_ANYWHERE or n.endswith(".egg-info")}
        return left_out | (COPY_IGNORE_TOP & set(names) if Path(folder) == root else set())

    shutil.copytree(root, dest, ignore=ignore, symlinks=True)
    return dest


def run_build(root: Path, *args: str):
    """`python -m booktools.build` on a copy; returns the CompletedProcess (text, merged output)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("VALOR_BOOK_ROOT", "VALOR_READS_LOG")}
    return subprocess.run(
        [sys.executable, "-m", "booktools.build", "--root", str(root), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


def tree_digest(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every file below ``folder``."""
    import hashlib

    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def executed_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("Executed ")]
    assert lines, f"no 'Executed ...' line in the build output:\n{output[-3000:]}"
    return lines[-1]


def executed_chapters(output: str) -> set[str]:
    line = executed_line(output)
    listed = line.split(":", 1)[1].split(";")[0].strip()
    return set() if listed == "none" else {name.strip() for name in listed.split(",")}


def search_index(site: Path) -> dict:
    """The site's Sphinx search index (``searchindex.js``: ``Search.setIndex({...})``)."""
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])
