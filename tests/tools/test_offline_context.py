"""The browser tests' offline guard: a page's requests beyond loopback are recorded and
never leave the machine, whether to a host name or to an address."""

from __future__ import annotations

import time

import sites

from booktools import browser

OUTSIDE = ("http://example.com/picture.png", "http://192.0.2.7/script.js", "https://example.org/style.css")
PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>t</title>
<link rel="stylesheet" href="{OUTSIDE[2]}"><script src="{OUTSIDE[1]}"></script></head>
<body><img src="{OUTSIDE[0]}" alt="x"><img src="local.png" alt="y"></body></html>"""


def test_requests_beyond_loopback_are_recorded_and_refused(tmp_path):
    sites.require_chromium()
    from playwright.sync_api import sync_playwright

    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "local.png").write_bytes(b"not a picture")
    blocked, failed, finished = [], [], []
    with sync_playwright() as playwright, browser.serve(tmp_path) as base:
        instance = browser.launch(playwright)
        try:
            context = browser.offline_context(instance, blocked)
            page = context.new_page()
            page.on("requestfailed", lambda request: failed.append((request.url, request.failure)))
            page.on("requestfinished", lambda request: finished.append(request.url))
            started = time.perf_counter()
            page.goto(f"{base}/page.html", wait_until="load")
            seconds = time.perf_counter() - started
        finally:
            instance.close()
    assert sorted(blocked) == sorted(OUTSIDE), blocked
    # aborted by the guard (net::ERR_FAILED), the address as well as the names: not refused
    # by a network that happens to be unreachable here (a name not resolved, a connection
    # refused or timed out)
    assert sorted(failed) == sorted((url, "net::ERR_FAILED") for url in OUTSIDE), failed
    assert f"{base}/local.png" in finished, "loopback requests go through"
    assert seconds < 10, f"refused at once, not timed out ({seconds:.1f} s)"
