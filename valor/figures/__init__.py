"""The book's figures, one module per part of the book.

Each function takes validated tables (``valor.data.load``) or analysis results
(:mod:`valor.analysis`) and returns a matplotlib Figure; the chapter glues it as
``fig_<prefix>_<name>`` and gives it the label ``fig-<prefix>-<name>``, a caption
and alt text (:mod:`valor.book`). Nothing here computes a number the prose quotes.
"""
