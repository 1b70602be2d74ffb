"""Page weight: each page's own HTML plus the images it shows.

Shared theme files (CSS, JavaScript, fonts, MathJax) are cached by the browser
after the first page and are not counted. ``python -m booktools.pageweight
[SITE]`` prints the table.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

LIMIT = 1_000_000  # bytes per page: its HTML plus its images


def page_images(html_path: Path) -> list[Path]:
    """Local image files shown by a page (img src/srcset, svg object data)."""
    from bs4 import BeautifulSoup, SoupStrainer

    # only the tags that show an image are built: the whole page took 2.3 times longer
    showing = SoupStrainer(["img", "source", "object"])
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser", parse_only=showing)
    refs = [img.get("src") for img in soup.find_all("img")]
    for img in soup.find_all(["img", "source"]):
        for part in (img.get("srcset") or "").split(","):
            if part.strip():
                refs.append(part.split()[0])
    refs += [obj.get("data") for obj in soup.find_all("object")]
    files = []
    for ref in refs:
        if not ref or urlsplit(ref).scheme in ("data", "http", "https"):
            continue
        path = (html_path.parent / unquote(urlsplit(ref).path)).resolve()
        if path.is_file() and path not in files:
            files.append(path)
    return files


def page_weight(html_path: Path) -> dict:
    images = page_images(html_path)
    html = html_path.stat().st_size
    image_bytes = sum(p.stat().st_size for p in images)
    return {"html": html, "images": image_bytes, "n_images": len(images), "total": html + image_bytes}


def site_weights(site: Path, docnames: list[str]) -> dict[str, dict]:
    return {doc: page_weight(site / f"{doc}.html") for doc in docnames}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    site = Path(argv[0]) if argv else Path("_build/html")
    pages = sorted(p.relative_to(site).with_suffix("").as_posix() for p in site.glob("chapters/*.html"))
    print(f"| page | HTML kB | images | image kB | total kB (limit {LIMIT // 1000}) |")
    print("|---|---:|---:|---:|---:|")
    for doc, w in site_weights(site, pages).items():
        print(
            f"| {doc} | {w['html'] / 1000:.0f} | {w['n_images']} | {w['images'] / 1000:.0f} | {w['total'] / 1000:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
