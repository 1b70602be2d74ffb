"""The machinery that builds, executes, checks, prints and releases the book.

Kept apart from ``valor`` (the science the chapters use): ``booktools`` may
import ``valor``, never the other way round, and editing a module here never
changes what a chapter computes.
"""
