"""Debian's chromium driven by Playwright, and a static server on 127.0.0.1.

Used by the PDF build and the browser tests. Never downloads a browser.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
# Without the background-networking flags chromium tries to reach Google's hosts.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
]


class BrowserMissing(RuntimeError):
    pass


def chromium_path() -> str:
    """Path of Debian's chromium ($VALOR_CHROMIUM overrides), or a clear error."""
    override = os.environ.get("VALOR_CHROMIUM")
    for candidate in ([override] if override else []) + list(CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise BrowserMissing(
        "Debian's chromium is not installed: `make test` installs it with apt-get when run as root; "
        "otherwise install it first (sudo apt-get install chromium)"
    )


def launch(playwright, **kwargs):
    """Launch headless chromium from Debian's package."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS, **kwargs
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # Keep-alive: chromium fetches a page's files over its few connections instead of
    # opening one per file (the browser tests' visits: 88-89 s, against 90-103 s)
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass


def site_handler(directory: Path):
    """The request handler that serves ``directory``'s files, quietly."""
    return functools.partial(_QuietHandler, directory=str(directory))


class SiteServer(http.server.ThreadingHTTPServer):
    # Connections waiting to be accepted: socketserver's default of 5 overflowed when the
    # browser tests loaded four pages at once, and the dropped connections were resent
    # with growing delays (tests/tools/test_site_server.py).
    request_queue_size = 128

    def handle_error(self, request, client_address):
        import sys

        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # the browser closed a page while a file was still being sent
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on a free port of 127.0.0.1; yields the base URL."""
    server = SiteServer(("127.0.0.1", 0), site_handler(directory))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# -- offline checks and accessibility (browser tests) ------------------------------


def is_loopback(url: str) -> bool:
    """True for URLs that never leave the machine (loopback, data:, blob:, about:)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in ("127.0.0.1", "localhost", "::1")


def offline_context(browser_, blocked: list[str], **kwargs):
    """A browser context whose requests to anything but loopback are recorded in
    ``blocked`` and aborted, so a page that would reach the network is caught."""
    context = browser_.new_context(**kwargs)

    def guard(route):
        url = route.request.url
        if is_loopback(url):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    return context


def axe_script(root: Path) -> Path:
    """axe-core's script, installed by `npm ci` (package-lock.json pins it)."""
    path = Path(root) / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        raise BrowserMissing(
            f"axe-core is not installed ({path} is missing): `make test` installs it (npm ci; "
            "as root it installs Debian's npm with apt-get; otherwise: sudo apt-get install npm)"
        )
    return path
