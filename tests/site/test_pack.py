"""The notebook packs, used as a student would: unzipped far from the repository,
installed into a fresh venv by the README's own commands, and every notebook run.

The venv command is the README's, with one change: ``.venv/bin/pip install`` becomes
``uv pip install`` (same file, same exact pins; the venv is then made without pip, which
nothing uses): uv takes the packages from its cache,
which ``make book`` filled, and asks the index only for what is missing there (pip from
PyPI takes about 90 s here, uv about 20 s). The run command is the README's as written. Nothing of the
repository is visible to the notebooks: no ``PYTHONPATH``, no ``VALOR_BOOK_ROOT``, the
working folder is the pack's, and $PYTHONDONTWRITEBYTECODE (set on this machine, not on a
student's) is unset: with it, every kernel compiled pandas, scipy and matplotlib again
(one pack's notebooks ran in 88 s instead of 47 s).

A final cell added to each notebook before the run prints what the kernel glued
(``valor.book.glued()``); those values must equal the golden snapshot, the values the
book shows. The solutions looked for in the student pack are read from the reader
edition's pages, so that check does not lean on the code that removes them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
import sites
from book import ROOT, parsed_page
from bs4 import BeautifulSoup

from booktools import pack, release

GOLDEN = ROOT / "tests" / "golden"
MARKER = "VALOR-GLUED:"
# what the kernel glued, and whether it imported pandera (every table as shipped is read
# without validating it again: data/.validated/, booktools.pack.validated_keys)
PRINT_GLUED = (
    "import json, sys, valor.book\n"
    f'print("{MARKER}" + json.dumps({{"glued": valor.book.glued(), "pandera": "pandera" in sys.modules}}))'
)
RAW_MYST = re.compile(r"\{[a-z][a-z:-]*\}`|^\s*(```|:::)\s*\{[a-z]", re.M)
UV = Path(sys.executable).parent / "uv"
EDITIONS = ("reader", "student")


def fresh_env() -> dict:
    left_out = ("PYTHONPATH", "VALOR_BOOK_ROOT", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(str(ROOT)))
    return env


def readme_commands(readme: str) -> list[str]:
    return re.findall(r"^```\n(.+?)\n```$", readme, re.M | re.S)


def notebooks(folder: Path) -> dict[str, nbformat.NotebookNode]:
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(folder.glob("*.ipynb"))}


@pytest.fixture(scope="module")
def packs() -> dict[str, Path]:
    site = sites.site("reader")
    version = release.read_version(ROOT)
    return {edition: site / "_downloads" / pack.pack_name(version, edition) for edition in EDITIONS}


@pytest.fixture(scope="module")
def unpacked(packs, tmp_path_factory) -> dict[str, Path]:
    folders = {}
    for edition, zip_path in packs.items():
        assert zip_path.is_file(), f"make book published no {zip_path.name}"
        target = tmp_path_factory.mktemp(f"pack-{edition}")
        assert ROOT not in target.parents
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(target)
        (folders[edition],) = [p for p in target.iterdir() if p.is_dir()]
    return folders


# `jupyter execute` (the README's command) starts its kernels over TCP: jupyter_client
# picks ports that another process may take before the kernel binds them
# (jupyter/jupyter_client#487; the build's own kernels use Unix sockets,
# booktools/kernel_ipc.py). On a machine running two test workers, a pack's run that
# failed so is run once more; any other failure, or the same one twice, fails the test.
PORT_TAKEN = "Address already in use"


def run_pack_command(command: str, folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, shell=True, cwd=folder, env=fresh_env(), capture_output=True, text=True, timeout=1800
    )


def install_and_run(edition: str, folder: Path) -> tuple[Path, dict]:
    """The pack in ``folder`` installed by its README and every notebook run; (folder, seconds)."""
    for path in folder.glob("*.ipynb"):  # the probe cell, on top of what the pack holds
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(PRINT_GLUED))
        nbformat.write(nb, path)
    setup, run = readme_commands((folder / "README.md").read_text(encoding="utf-8"))[:2]
    assert (
        setup.startswith("python3 -m venv .venv && ") and ".venv/bin/pip install -r requirements.txt" in setup
    )
    # uv installs in place of pip, so the venv is made without pip (4-5 s of CPU each)
    setup = setup.replace("-m venv .venv", "-m venv --without-pip .venv", 1)
    setup = setup.replace(".venv/bin/pip install", f"{UV} pip install --quiet --python .venv/bin/python")
    timings = {}
    for step, command in (("install", setup), ("run", run)):
        started = time.perf_counter()
        done = run_pack_command(command, folder)
        if step == "run" and done.returncode != 0 and PORT_TAKEN in done.stderr:
            print(f"\n{edition} pack: a kernel lost its TCP port ({PORT_TAKEN}): run again")
            done = run_pack_command(command, folder)
        timings[step] = time.perf_counter() - started
        assert done.returncode == 0, (
            f"{edition} pack: `{command}` failed:\n{(done.stdout + done.stderr)[-4000:]}"
        )
    print(f"\n{edition} pack: install {timings['install']:.0f} s, run {timings['run']:.0f} s")
    return folder, timings


@pytest.fixture(scope="module")
def ran(unpacked) -> dict[str, tuple[Path, dict]]:
    """Each pack installed by its README and run, both packs at once (each runs its
    notebooks one after another, as the README says; the two packs are independent)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(unpacked)) as pool:
        futures = {
            edition: pool.submit(install_and_run, edition, folder) for edition, folder in unpacked.items()
        }
        return {edition: future.result() for edition, future in futures.items()}


@pytest.mark.parametrize("edition", EDITIONS)
def test_pack_holds_what_a_student_needs(unpacked, edition):
    folder = unpacked[edition]
    for needed in (
        "README.md",
        "requirements.txt",
        "references.bib",
        "data/manifest.yml",
        "valor/__init__.py",
    ):
        assert (folder / needed).is_file(), f"the {edition} pack has no {needed}"
    pins = (folder / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = [line for line in pins if line and not line.startswith("#")]
    assert all(re.match(r"^[A-Za-z0-9_.-]+==[^=\s]+( ;.*)?$", pin) for pin in pins), pins
    names = {pin.split("==")[0].lower() for pin in pins}
    assert {"numpy", "pandas", "matplotlib", "ipykernel"} <= names
    assert not names & {"sphinx", "jupyter-book", "myst-nb"}, "the pack pins the book's build tools"
    assert len(readme_commands((folder / "README.md").read_text(encoding="utf-8"))) >= 2


@pytest.mark.parametrize("edition", EDITIONS)
def test_notebooks_read_like_the_page(unpacked, edition):
    """No raw MyST or glue in the prose, no hidden record outputs, figures as images."""
    for name, nb in notebooks(unpacked[edition]).items():
        figures = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                raw = RAW_MYST.search(cell.source)
                assert raw is None, f"{name} cell {index}: raw MyST {raw.group(0)!r} in {cell.source[:300]!r}"
                assert not re.search(r"^\(\S+\)=$", cell.source, re.M), f"{name} cell {index}: raw label"
            for output in cell.get("outputs", []):
                shown = output.get("data", {}).get("text/markdown", "")
                assert RAW_MYST.search(shown) is None, f"{name} cell {index}: raw MyST in {shown[:300]!r}"
                hidden = [m for m in output.get("data", {}) if m.startswith("application/papermill")]
                assert not hidden, f"{name} cell {index}: hidden record output {hidden}"
                figures += is_image(output)
        shown = sum("show_figure(" in c.source for c in nb.cells if c.cell_type == "code")
        assert figures >= shown, f"{name}: {shown} figure cells but {figures} image outputs"


def is_image(output) -> bool:
    """An output Jupyter shows as a picture (the book's figures are SVG)."""
    return any(mime in output.get("data", {}) for mime in ("image/png", "image/svg+xml"))


def shown_figures(nb) -> list:
    """Per ``show_figure`` cell, the SVG it shows (None if it shows none)."""
    cells = [c for c in nb.cells if c.cell_type == "code" and "show_figure(" in c.source]
    return [
        next((o["data"]["image/svg+xml"] for o in c.outputs if "image/svg+xml" in o.get("data", {})), None)
        for c in cells
    ]


def shipped_notebooks(zip_path: Path) -> dict[str, nbformat.NotebookNode]:
    with zipfile.ZipFile(zip_path) as zf:
        return {
            Path(n).name: nbformat.reads(zf.read(n).decode("utf-8"), as_version=4)
            for n in zf.namelist()
            if n.endswith(".ipynb")
        }


def test_a_chapter_shows_its_numbers_and_figures(unpacked):
    nb = notebooks(unpacked["reader"])["03_primary_endpoint.ipynb"]
    golden = json.loads((GOLDEN / "primary_endpoint.json").read_text(encoding="utf-8"))
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for key in ("pe_diff", "pe_ci", "pe_p_reported"):
        assert golden[key] in prose
    assert "Fig. 3.1" in prose and "Table 3.1" in prose
    images = [o for c in nb.cells for o in c.get("outputs", []) if is_image(o)]
    assert len(images) >= 2


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_notebook_runs_in_a_fresh_venv_and_matches_golden(ran, packs, edition):
    folder, _ = ran[edition]
    shipped = shipped_notebooks(packs[edition])
    for name, nb in notebooks(folder).items():
        printed = "".join(
            o.get("text", "") for o in nb.cells[-1].get("outputs", []) if o.get("name") == "stdout"
        )
        assert MARKER in printed, f"{name}: the probe cell printed nothing"
        probe = json.loads(printed.split(MARKER, 1)[1])
        glued = probe["glued"]
        assert probe["pandera"] is False, f"{name}: a table as shipped was validated again"
        chapter = name.split("_", 1)[1].removesuffix(".ipynb")
        golden = json.loads((GOLDEN / f"{chapter}.json").read_text(encoding="utf-8"))
        expected = {k: v for k, v in golden.items() if v != "<figure>" and k in glued}
        assert {k: glued[k] for k in expected} == expected, f"{name}: values differ from the golden snapshot"
        assert len(expected) >= len([v for v in golden.values() if v != "<figure>"]) * 0.9, name
        # the rerun shows the very figures the pack shipped, drawn again in the student's venv
        figures = shown_figures(nb)
        assert None not in figures, f"{name}: a figure is missing"
        assert figures == shown_figures(shipped[name]), f"{name}: a figure differs from the book's"


def solution_lines(site: Path) -> set[str]:
    """The longest line of every solution on the reader edition's pages that the pages
    do not also say outside their solutions."""
    lines, elsewhere = set(), []
    for page in (site / "chapters").glob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for solution in soup.select("div.solution"):
            text = [line.strip() for line in solution.get_text("\n").splitlines() if len(line.strip()) > 30]
            lines.update(sorted(text, key=len)[-1:])
            solution.decompose()
        elsewhere.append(soup.get_text("\n"))
    return {line for line in lines if not any(line in text for text in elsewhere)}


def test_student_pack_has_no_solution(unpacked):
    phrases = solution_lines(sites.site("reader"))
    assert len(phrases) >= 20, "the reader edition shows too few solutions to check against"
    reader = "\n".join(json.dumps(nb) for nb in notebooks(unpacked["reader"]).values())
    assert sum(p in reader for p in phrases) >= len(phrases) * 0.8, "the reader pack lacks its solutions"
    names = notebooks(unpacked["student"])
    student = "\n".join(json.dumps(nb) for nb in names.values())
    leaked = [p for p in phrases if p in student]
    assert not leaked, f"solutions in the student pack: {leaked[:3]}"
    assert not any("instructor_guide" in name or "answer_key" in name for name in names)


def test_each_table_downloads_with_its_manifest_entry():
    import csv

    import yaml

    site = sites.site("reader")
    page = parsed_page(site / "chapters" / "data.html")
    links = {a["href"] for a in page.select("table.valor-data-tables a[href]")}
    manifest = yaml.safe_load((ROOT / "data" / "manifest.yml").read_text(encoding="utf-8"))
    assert len(manifest["tables"]) >= 20
    for name, entry in manifest["tables"].items():
        csv_link, entry_link = (
            f"../_downloads/data/{entry['file']}",
            f"../_downloads/data/{name}.manifest.yml",
        )
        assert {csv_link, entry_link} <= links, f"the data page does not link {name}"
        served = (site / "chapters" / csv_link).resolve()
        assert served.read_bytes() == (ROOT / "data" / entry["file"]).read_bytes()
        with open(served, newline="", encoding="utf-8") as handle:
            assert {"source_key", "source_location", "confidence"} <= set(next(csv.reader(handle)))
        described = yaml.safe_load((site / "chapters" / entry_link).resolve().read_text(encoding="utf-8"))
        assert described["tables"] == {name: entry} and "source_key" in described["provenance_columns"]
