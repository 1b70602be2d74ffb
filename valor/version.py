"""The book's version: the one place it is set (see README, "Version").

A module of its own, read only by the pages that show the version, so that a new
version re-executes those pages and no other.
"""

__version__ = "0.4.0"
