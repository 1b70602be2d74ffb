/* Version switcher and old-version banner (see _ext/valor_release.py).
 * Data: window.VALOR_VERSIONS, set by the site's versions.js (written by
 * booktools.release), and the data-* attributes of <script id="valor-versions-data">.
 * Every link is relative, so the site works over http:// and file://. */
(function () {
  "use strict";

  var EDITION_LABELS = { reader: "Reader edition", student: "Student edition (no solutions)" };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* Relative URL of `page` in `edition` of version `entry`; the version's first
   * page when it has no such page; its reader edition when it has no such edition. */
  function target(here, entry, edition, page) {
    var ed = entry.editions[edition] || entry.editions.reader;
    var exists = ed.pages.indexOf(page) !== -1;
    return { href: here.siteRoot + ed.path + (exists ? page : entry.root_page), exists: exists };
  }

  function switcher(here, data, current) {
    var items = data.versions.map(function (entry) {
      var label = entry.version + (entry.version === data.latest ? " (latest)" : "");
      var attrs = { href: target(here, entry, here.edition, here.page).href, "data-version": entry.version };
      if (entry.version === here.version) { attrs["aria-current"] = "page"; }
      return el("li", {}, [el("a", attrs, [label])]);
    });
    var editions = Object.keys(current.editions).filter(function (name) { return name !== here.edition; })
      .map(function (name) {
        return el("li", {}, [el("a", { href: target(here, current, name, here.page).href, "data-edition": name },
                                 [EDITION_LABELS[name] || name])]);
      });
    var children = [
      el("summary", {}, ["Version " + here.version + (here.version === data.latest ? " (latest)" : "")]),
      el("ul", { class: "valor-switcher-versions" }, items)
    ];
    if (editions.length) { children.push(el("ul", { class: "valor-switcher-editions" }, editions)); }
    children.push(el("p", {}, [el("a", { href: here.siteRoot + data.index }, ["All versions"])]));
    return el("nav", { class: "valor-switcher", "aria-label": "Versions of this book" },
              [el("details", {}, children)]);
  }

  function banner(here, data) {
    var latest = data.versions.filter(function (entry) { return entry.version === data.latest; })[0];
    var link = target(here, latest, here.edition, here.page);
    var text = link.exists ? "Read this page in the latest version (" + data.latest + ")"
                           : "This page is not in the latest version; go to its first page (" + data.latest + ")";
    return el("aside", { class: "valor-old-version", role: "note", "aria-label": "Older version" }, [
      el("p", {}, [
        "You are reading version " + here.version + ", an older version of this book. ",
        el("a", { href: link.href, class: "valor-latest-link" }, [text]), "."
      ])
    ]);
  }

  function init() {
    var tag = document.getElementById("valor-versions-data");
    var data = window.VALOR_VERSIONS;
    if (!tag || !data) { return; }
    var here = { version: tag.dataset.version, edition: tag.dataset.edition,
                 page: tag.dataset.page, siteRoot: tag.dataset.siteRoot };
    var current = data.versions.filter(function (entry) { return entry.version === here.version; })[0];
    if (!current) { return; }
    var sidebar = document.querySelector(".sidebar-primary-items__start");
    var nav = switcher(here, data, current);
    if (sidebar) {
      var item = el("div", { class: "sidebar-primary-item" }, [nav]);
      sidebar.insertBefore(item, sidebar.children[1] || null);
    } else {
      document.body.insertBefore(nav, document.body.firstChild);
    }
    if (here.version !== data.latest) {
      var article = document.querySelector(".bd-article-container") || document.body;
      article.insertBefore(banner(here, data), article.firstChild);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
