"""The source repository named in _config.yml (repository.url) is in every page's footer and
in the introduction ({{ repository_sentence }}); unset, neither names one."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "_ext"))

import valor_version  # noqa: E402


def configured(options: dict) -> SimpleNamespace:
    config = SimpleNamespace(
        html_theme_options=options, html_context={}, version="", release="", myst_substitutions={}
    )
    valor_version._config_inited(SimpleNamespace(srcdir=ROOT), config)
    return config


def footer(options: dict) -> str:
    return configured(options).html_theme_options["extra_footer"]


def test_footer_names_the_configured_repository():
    shown = footer({"repository_url": "https://example.org/valor-book?a=1&b=2"})
    assert '<a href="https://example.org/valor-book?a=1&amp;b=2">' in shown
    assert "valor-version-number" in shown
    sentence = configured({"repository_url": "https://example.org/b"}).myst_substitutions[
        "repository_sentence"
    ]
    assert sentence == " The book's source, data and code are at <https://example.org/b>."


def test_no_repository_no_link():
    assert "valor-repository" not in footer({"repository_url": ""})
    assert "valor-repository" not in footer({})
    assert configured({}).myst_substitutions["repository_sentence"] == ""
