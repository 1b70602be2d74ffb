"""The static server the browser tests and the PDF printer load pages from."""

from __future__ import annotations

import socket

from booktools import browser

# Chromium opened a connection for each file of the pages it loaded at once (HTTP/1.0):
# dozens in a burst while the serving thread waited for the GIL; keep-alive makes fewer.
BURST = 64


def test_a_burst_of_connections_waits_in_the_queue_instead_of_being_dropped(tmp_path):
    """With socketserver's default queue of 5, Linux drops the connections beyond it while the
    server has not yet accepted them; the browser then resends with growing delays (1, 2, 4 s
    ...), and a page's network once stayed busy past Playwright's 30 s wait."""
    server = browser.SiteServer(("127.0.0.1", 0), browser.site_handler(tmp_path))
    connections = []
    try:
        # nothing accepts them here: each must still complete its handshake in the queue
        for index in range(BURST):
            try:
                connections.append(socket.create_connection(server.server_address, timeout=0.5))
            except TimeoutError:
                raise AssertionError(f"connection {index + 1} of {BURST} was dropped") from None
    finally:
        for connection in connections:
            connection.close()
        server.server_close()
