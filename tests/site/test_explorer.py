"""The what-if explorer (chapters/explorer.md) in Debian's chromium, on the built book.

A reader moves the controls with the keyboard; the result shown must be what the `valor`
functions give at that grid point: the power straight from `valor.lagged.analytic_power`
under the biomarker chapter's lagged-effect model, and the smallest detectable effect,
whose rounded share must bracket the target power. Also: labelled native controls, an
aria-live result, no request off the machine, no script error, the default scenario and
the tables without JavaScript, no control on paper, and the page's weight.
"""

from __future__ import annotations

import re

import pytest
import sites

from booktools import browser
from valor import assumptions, data, fmt, lagged
from valor.analysis import biomarkers, primary

pytestmark = pytest.mark.xdist_group("explorer")

PAGE = "chapters/explorer.html"


@pytest.fixture(scope="module")
def faster():
    return primary.primary_result(data.load("alsfrs_week28"), data.load("enrolment"), data.load("design"))


def expected_power(faster, effect: float, weeks: int, n: int, lag: int) -> str:
    """Power at one grid point, computed here from valor's model, formatted as the book does."""
    model = biomarkers.lag_model(faster).with_(effect=effect, delay=lag)
    return fmt.percent(float(lagged.analytic_power(model, n, n, [weeks], assumptions.ALPHA)[0]))


def power_of(faster, share: float, weeks: int, n: int, lag: int) -> float:
    model = biomarkers.lag_model(faster).with_(effect=min(share, 1.0), delay=lag)
    return float(lagged.analytic_power(model, n, n, [weeks], assumptions.ALPHA)[0])


@pytest.fixture(scope="module")
def site():
    sites.require_chromium()
    return sites.site("reader")


@pytest.fixture(scope="module")
def session(site):
    from playwright.sync_api import sync_playwright

    with browser.serve(site) as base, sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        try:
            yield base, chromium
        finally:
            chromium.close()


def open_page(session, **context):
    base, chromium = session
    blocked, problems, requests = [], [], []
    tab = browser.offline_context(chromium, blocked, **context).new_page()
    tab.add_init_script("localStorage.setItem('mode', 'light'); localStorage.setItem('theme', 'light');")
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("console", lambda m: m.type == "error" and problems.append(m.text))
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(f"{base}/{PAGE}", wait_until="load")
    return tab, blocked, problems, requests


@pytest.fixture(scope="module")
def live(session):
    tab, blocked, problems, requests = open_page(session)
    tab.wait_for_selector("#valor-explorer form.vx-controls:not([hidden])")
    yield tab, blocked, problems, requests
    tab.context.close()


def grid_values():
    return {
        "effect": list(assumptions.EXPLORER_EFFECTS),
        "weeks": list(assumptions.EXPLORER_WEEKS),
        "n": list(assumptions.EXPLORER_N_PER_ARM),
        "lag": list(assumptions.LAG_DELAYS),
    }


def scenario(tab) -> dict:
    """The grid point the controls are set to."""
    grid = grid_values()
    return {key: grid[key][int(tab.input_value(f"#vx-{key}"))] for key in grid}


def shown(tab) -> tuple[str, str]:
    return tab.inner_text("#vx-power").strip(), tab.inner_text("#vx-detectable").strip()


def check_shown_result(tab, faster):
    point = scenario(tab)
    power, detectable = shown(tab)
    assert power == expected_power(faster, **point), point
    match = re.fullmatch(r"(\d+)% of the placebo decline \((\S+) points at week (\d+)\)", detectable)
    if match is None:
        assert detectable.startswith("none"), detectable
        assert power_of(faster, 1.0, point["weeks"], point["n"], point["lag"]) < assumptions.TARGET_POWER
        return
    share = int(match[1]) / 100
    assert int(match[3]) == point["weeks"]
    low, high = (
        power_of(faster, s, point["weeks"], point["n"], point["lag"]) for s in (share - 0.005, share + 0.005)
    )
    assert low <= assumptions.TARGET_POWER <= high, (
        f"{point}: {share:.0%} does not reach the target power there"
    )
    model = biomarkers.lag_model(faster).with_(effect=share, delay=point["lag"])
    points = float(lagged.expected_difference(model, [point["weeks"]])[0])
    assert abs(float(match[2].replace("\u2212", "-")) - points) <= 0.005 * abs(points / share) + 0.05


def test_the_default_scenario_is_the_faster_stratum_with_equal_arms(live, faster):
    tab, *_ = live
    point = scenario(tab)
    assert point == {
        "effect": assumptions.BENCHMARK_SLOWING,
        "weeks": faster.week,
        "n": faster.n // 2,
        "lag": 0,
    }
    check_shown_result(tab, faster)


def test_moving_the_effect_with_the_keyboard_shows_the_valor_value(live, faster):
    tab, *_ = live
    before = shown(tab)
    tab.focus("#vx-effect")
    tab.keyboard.press("ArrowRight")
    tab.keyboard.press("ArrowRight")
    point = scenario(tab)
    assert point["effect"] == pytest.approx(assumptions.BENCHMARK_SLOWING + 0.1)
    assert shown(tab) != before
    check_shown_result(tab, faster)
    assert (
        tab.get_attribute("#vx-effect", "aria-valuetext")
        == f"{fmt.percent(point['effect'])} of the placebo decline"
    )
    assert tab.inner_text("#vx-effect-value") == tab.get_attribute("#vx-effect", "aria-valuetext")


def test_every_control_answers_the_keyboard(live, faster):
    tab, *_ = live
    tab.focus("#vx-weeks")
    tab.keyboard.press("ArrowDown")  # a longer trial
    assert scenario(tab)["weeks"] == 40
    check_shown_result(tab, faster)
    tab.focus("#vx-n")
    tab.keyboard.press("ArrowLeft")  # fewer participants
    assert scenario(tab)["n"] == 20
    check_shown_result(tab, faster)
    tab.focus("#vx-lag")
    for _ in range(4):
        tab.keyboard.press("ArrowDown")  # a lag of 16 weeks
    assert scenario(tab)["lag"] == 16
    check_shown_result(tab, faster)
    tab.focus("#vx-effect")
    tab.keyboard.press("End")
    assert scenario(tab)["effect"] == 1.0
    check_shown_result(tab, faster)
    tab.keyboard.press("Home")
    assert scenario(tab)["effect"] == 0 and shown(tab)[0] == fmt.percent(assumptions.ALPHA)


def test_controls_are_labelled_native_elements_and_the_result_is_live(live):
    tab, *_ = live
    for key in ("effect", "weeks", "n", "lag"):
        element = tab.locator(f"#vx-{key}")
        assert element.evaluate("e => e.tagName") in ("INPUT", "SELECT")
        assert tab.locator(f'label[for="vx-{key}"]').inner_text().strip()
        assert element.evaluate("e => e.labels.length") == 1
    region = tab.locator("#vx-result")
    assert region.get_attribute("aria-live") == "polite"
    assert region.locator("#vx-power").count() == 1


def test_nothing_leaves_the_machine_and_nothing_fails(live, site):
    tab, blocked, problems, requests = live
    assert not blocked, blocked
    ignored = "Got invalid theme mode"  # pydata-sphinx-theme on a fresh profile (see test_browser.py)
    assert not [p for p in problems if ignored not in p], problems
    assert any(r.endswith("/_static/explorer/explorer.js") for r in requests)
    assert (site / "_static" / "explorer" / "explorer.js").is_file()
    # the script is the explorer page's alone
    other = (site / "chapters" / "why_it_missed.html").read_text(encoding="utf-8")
    assert "explorer.js" not in other and "explorer.css" not in other


def test_without_javascript_the_default_scenario_and_the_tables_stand(session, faster):
    tab, blocked, problems, _ = open_page(session, java_script_enabled=False)
    try:
        assert not tab.locator("form.vx-controls").is_visible()
        check_shown_result(tab, faster)
        assert tab.locator("table").count() >= 2
        assert expected_power(
            faster, assumptions.BENCHMARK_SLOWING, faster.week, faster.n // 2, 0
        ) in tab.inner_text("table >> nth=0")
    finally:
        tab.context.close()


def test_on_paper_no_control_prints(live):
    tab, *_ = live
    tab.emulate_media(media="print")
    try:
        assert tab.locator("form.vx-controls").evaluate("e => e.getClientRects().length") == 0
        assert tab.locator("#vx-result").is_visible()
    finally:
        tab.emulate_media(media="screen")


def test_the_page_weighs_less_than_the_limit(site):
    from booktools.pageweight import LIMIT, page_weight

    weight = page_weight(site / PAGE)["total"]
    weight += sum(p.stat().st_size for p in (site / "_static" / "explorer").iterdir())
    assert weight < LIMIT, f"{weight / 1e6:.2f} MB"
