"""Shared test helpers: the book's layout, its notebooks, and how to run them."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def toc_docnames(root: Path = ROOT) -> list[str]:
    """Every document listed in _toc.yml, in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [str(Path(n).with_suffix("")) for n in names]


def is_notebook(path: Path) -> bool:
    from myst_nb.core.read import is_myst_markdown_notebook
    return path.suffix == ".md" and is_myst_markdown_notebook(path.read_text(encoding="utf-8"))


def notebook_docnames(root: Path = ROOT) -> list[str]:
    return [d for d in toc_docnames(root) if is_notebook(root / f"{d}.md")]


def glued_values(nb) -> dict[str, str]:
    """key -> glued text (or '<figure>') from an executed notebook."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            prefix = meta.get("mime_prefix", "")
            data = {k.removeprefix(prefix): v for k, v in output.get("data", {}).items()}
            if "image/png" in data or "image/svg+xml" in data:
                values[meta["name"]] = "<figure>"
            else:
                values[meta["name"]] = ast.literal_eval(data["text/plain"])
    return values


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
