"""_ext/valor_solutions.py: solutions disappear when hidden, and nothing else does; the
student edition is written from the reader edition's environment without reading again.

Each case builds a small Sphinx project (MyST, sphinx-exercise and the extension)
with warnings as errors, in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from book import ROOT

PAGE = """\
# Exercises

Before the exercises.

```{exercise}
:label: ex-one

First question.
```

```{solution-start} ex-one
:class: dropdown
```

Gated answer one.

```python
print("gated code one")
```

```{solution-end}
```

Between the exercises.

```{exercise}
:label: ex-two

Second question.
```

```{solution-start} ex-two
:class: dropdown
HIDDEN_OPTION
```

Gated answer two.

```{solution-end}
```

```{exercise}
:label: ex-three

Third question.
```

```{solution} ex-three
:class: dropdown

Plain answer three.
```

After the exercises.
"""


def build(tmp_path, hide: bool, hidden_option: str = "", setting: str = "hide_solutions", out: str = "out"):
    """(exit code, index.html, stderr) of a build; the doctrees are shared by every output."""
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_parser', 'sphinx_exercise', 'valor_solutions']\n"
        f"{setting} = {hide}\n"
        "exercise_style = 'solution_follow_exercise'\n"
    )
    page = src / "index.md"
    if not page.exists() or page.read_text() != PAGE.replace("HIDDEN_OPTION", hidden_option):
        page.write_text(PAGE.replace("HIDDEN_OPTION", hidden_option))  # unchanged, it is not read again
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(src),
            str(tmp_path / out),
        ],
        capture_output=True,
        text=True,
    )
    page = (tmp_path / out / "index.html").read_text() if (tmp_path / out / "index.html").exists() else ""
    return run.returncode, page, run.stderr + run.stdout


@pytest.mark.parametrize("setting", ["hide_solutions", "student_edition"])
def test_hiding_removes_every_solution_and_keeps_the_rest(tmp_path, setting):
    code, page, err = build(tmp_path, hide=True, setting=setting)
    assert code == 0, err
    for text in ("Gated answer one", "gated code one", "Gated answer two", "Plain answer three"):
        assert text not in page
    for text in (
        "Before the exercises",
        "First question",
        "Between the exercises",
        "Second question",
        "Third question",
        "After the exercises",
    ):
        assert text in page
    assert 'id="ex-one"' in page and 'id="ex-three"' in page
    assert 'class="solution' not in page


def test_without_hiding_every_solution_shows(tmp_path):
    code, page, err = build(tmp_path, hide=False)
    assert code == 0, err
    for text in (
        "Gated answer one",
        "gated code one",
        "Gated answer two",
        "Plain answer three",
        "Between the exercises",
        "After the exercises",
    ):
        assert text in page
    assert page.count('class="solution') >= 3


def test_hidden_option_hides_only_that_gated_solution(tmp_path):
    code, page, err = build(tmp_path, hide=False, hidden_option=":hidden:")
    assert code == 0, err
    assert "Gated answer two" not in page
    assert "Gated answer one" in page and "Plain answer three" in page
    assert "Second question" in page and "Between the exercises" in page


def test_the_student_edition_is_written_from_the_readers_environment(tmp_path):
    code, reader, err = build(tmp_path, hide=False, setting="student_edition", out="reader")
    assert code == 0, err
    code, student, log = build(tmp_path, hide=True, setting="student_edition", out="student")
    assert code == 0, log
    assert "0 added, 0 changed, 0 removed" in log, "the student edition read the pages again"
    assert "Gated answer one" in reader and "Plain answer three" in reader
    assert "Gated answer one" not in student and "Plain answer three" not in student
    assert "Gated answer one" not in (tmp_path / "student" / "searchindex.js").read_text()
    assert "First question" in student
