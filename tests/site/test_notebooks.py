"""Every notebook in _toc.yml as the build executed it: executed in full, without an
error output, and its glued values equal to the golden snapshot.

The notebooks (and their glue data) are the ones `make book` executed (myst-nb's
``jupyter_execute/``, from
the build the test run shares): nothing is executed twice, and a build succeeds only
when every notebook executed without raising. The snapshot (tests/golden/<chapter>.json,
key -> text) makes every change of a number in the prose show up as a readable diff;
after a deliberate data change, review the diff and re-record with `make golden`.
"""

from __future__ import annotations

import difflib
import json

import jupytext
import nbformat
import pytest
import sites
from book import ROOT, glued_values, notebook_docnames

GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def executed():
    return sites.build("reader").executed


def executed_glue(executed, docname: str) -> dict:
    """The glue data of the build's executed notebook, checked to be this source, run in
    full, without errors."""
    path = executed / f"{docname}.ipynb"
    assert path.is_file(), f"the build did not execute {docname}.md ({path} is missing)"
    nb = nbformat.read(path, as_version=4)
    source = [c.source for c in jupytext.read(ROOT / f"{docname}.md").cells if c.cell_type == "code"]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.source for c in code] == source, f"{path} is not the executed {docname}.md"
    assert all(c.execution_count is not None for c in code), f"{docname}: a code cell did not run"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{docname}: error output {errors[0].get('ename')}: {errors[0].get('evalue')}"
    glue = path.with_suffix(".glue.json")  # myst-nb moves glued outputs there
    return json.loads(glue.read_text(encoding="utf-8")) if glue.exists() else {}


def golden_diff(old: dict, new: dict) -> list[str]:
    lines = []
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            lines.append(f"  - {key}: {old[key]!r} (no longer glued)")
        elif key not in old:
            lines.append(f"  + {key}: {new[key]!r} (new)")
        elif old[key] != new[key] and "\n" in old[key] + new[key]:
            changed = difflib.unified_diff(old[key].splitlines(), new[key].splitlines(), lineterm="", n=0)
            lines.append(f"  ~ {key} (lines that changed):")
            lines.extend("      " + line for line in list(changed)[2:])
        elif old[key] != new[key]:
            lines.append(f"  ~ {key}: {old[key]!r} -> {new[key]!r}")
    return lines


@pytest.mark.parametrize("docname", notebook_docnames())
def test_notebook_executes_and_matches_golden(docname, request, executed):
    values = glued_values(executed_glue(executed, docname))
    golden = GOLDEN / f"{docname.split('/')[-1]}.json"
    if request.config.getoption("--update-golden"):
        golden.write_text(
            json.dumps(values, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
        return
    if not golden.exists():
        pytest.fail(
            f"{golden.relative_to(ROOT)} is missing: review the values, then run `make golden`", pytrace=False
        )
    diff = golden_diff(json.loads(golden.read_text(encoding="utf-8")), values)
    if diff:
        pytest.fail(
            f"glued values of {docname}.md differ from {golden.relative_to(ROOT)}:\n"
            + "\n".join(diff)
            + "\nIf the change is deliberate, review it and run `make golden`.",
            pytrace=False,
        )
