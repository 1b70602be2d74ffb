"""Version switcher and old-version banner on every page of a released edition.

Only release builds use this extension: ``booktools.release`` adds it through the
_config overrides, with the edition's name and the relative path from the
edition's root to the site's root (``../`` for ``site/<version>/``,
``../../`` for ``site/<version>/student/``).

Every page then loads two scripts by relative paths, so the site works from any
static server and from the file system (no XHR, which ``file://`` forbids):

* ``versions.js`` at the site's root, written by every release: the versions,
  which is the latest, and the pages of each edition;
* ``_static/valor-release.js``, which draws the switcher and, on a page of a
  version older than the latest, a banner linking to the same page in the
  latest version (or to its first page when that page is gone).

Releasing a newer version rewrites only ``versions.js``: the pages of older
versions stay byte for byte as they were released.
"""

from __future__ import annotations

import html
from pathlib import Path

STATIC = Path(__file__).with_name("valor_release_static")


def _config_inited(app, config):
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def _page_context(app, pagename, templatename, context, doctree):
    site_root = context.get("content_root", "") + app.config.valor_release_site_root
    attrs = {
        "id": "valor-versions-data",
        "src": site_root + "versions.js",
        "data-version": app.config.html_context["valor_version"],  # set by valor_version
        "data-edition": app.config.valor_release_edition,
        "data-page": app.builder.get_target_uri(pagename),
        "data-site-root": site_root,
    }
    tag = "<script " + " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items()) + "></script>"
    context["metatags"] = context.get("metatags", "") + "\n" + tag + "\n"


def setup(app):
    app.add_config_value("valor_release_edition", "reader", "html", types=[str])
    app.add_config_value("valor_release_site_root", "../", "html", types=[str])
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.add_js_file("valor-release.js", loading_method="defer")
    app.add_css_file("valor-release.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
