"""_ext/valor_solutions.py: gated solutions disappear when hidden, and nothing else does.

Each case builds a small Sphinx project (MyST, sphinx-exercise and the extension)
with warnings as errors, in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys

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


def build(tmp_path, hide: bool, hidden_option: str = "") -> tuple[int, str, str]:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_parser', 'sphinx_exercise', 'valor_solutions']\n"
        f"hide_solutions = {hide}\n"
        "exercise_style = 'solution_follow_exercise'\n"
    )
    (src / "index.md").write_text(PAGE.replace("HIDDEN_OPTION", hidden_option))
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(out)],
        capture_output=True,
        text=True,
    )
    page = (out / "index.html").read_text() if (out / "index.html").exists() else ""
    return run.returncode, page, run.stderr


def test_hide_solutions_removes_every_solution_and_keeps_the_rest(tmp_path):
    code, page, err = build(tmp_path, hide=True)
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
