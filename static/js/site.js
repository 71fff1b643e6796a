/* cellbook default theme: small progressive enhancements. Everything works without this file;
   it adds the search box, the theme toggle, the collapsible menu behaviour, keyboard focus for
   scrolling tables and code, and the highlighted entry in the table of contents. */
(function () {
  "use strict";

  var root = document.documentElement;
  var STORE = "cellbook-theme";

  function mq(q) {
    return window.matchMedia ? window.matchMedia(q) : { matches: false, addEventListener: function () {} };
  }
  function onChange(m, fn) {
    if (m.addEventListener) m.addEventListener("change", fn);
    else if (m.addListener) m.addListener(fn);
  }

  /* ---------------------------------------------------------------- theme */
  function storedTheme() {
    try {
      var v = localStorage.getItem(STORE);
      return v === "light" || v === "dark" ? v : "auto";
    } catch (e) {
      return "auto";
    }
  }

  function applyTheme(choice) {
    if (choice === "light" || choice === "dark") root.setAttribute("data-theme", choice);
    else root.removeAttribute("data-theme");
    // Only one of the two syntect stylesheets applies at a time, so that the light theme's
    // colours never leak into the dark one.
    var dark = document.getElementById("syntax-dark");
    var light = document.getElementById("syntax-light");
    if (dark) dark.media = choice === "dark" ? "all" : choice === "light" ? "not all" : "(prefers-color-scheme: dark)";
    if (light) light.media = choice === "light" ? "all" : choice === "dark" ? "not all" : "not all and (prefers-color-scheme: dark)";
    try {
      if (choice === "auto") localStorage.removeItem(STORE);
      else localStorage.setItem(STORE, choice);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }

  function setupThemeToggle() {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    var order = ["auto", "light", "dark"];
    function label(choice) {
      return button.getAttribute("data-" + choice) || choice;
    }
    function render(choice) {
      var next = order[(order.indexOf(choice) + 1) % order.length];
      var text = button.getAttribute("data-label") + ": " + label(choice) + ". " +
        (button.getAttribute("data-next") || "").replace("{next}", label(next));
      button.setAttribute("data-choice", choice);
      button.setAttribute("title", text);
      var span = button.querySelector(".theme-toggle-label");
      if (span) span.textContent = text;
    }
    var current = storedTheme();
    render(current);
    button.hidden = false;
    button.addEventListener("click", function () {
      current = order[(order.indexOf(current) + 1) % order.length];
      applyTheme(current);
      render(current);
    });
  }

  /* ---------------------------------------------------------------- collapsible boxes */
  function setupDrawers() {
    var drawers = document.querySelectorAll("details[data-collapse-below]");
    Array.prototype.forEach.call(drawers, function (el) {
      var m = mq("(min-width: " + el.getAttribute("data-collapse-below") + ")");
      onChange(m, function () { el.open = m.matches; });
    });
    // A link to something inside a closed box (e.g. "#topics") opens the box first.
    function reveal(id) {
      var target = id && document.getElementById(id);
      if (!target) return;
      var d = target.closest ? target.closest("details") : null;
      if (d && !d.open) d.open = true;
    }
    window.addEventListener("hashchange", function () { reveal(decodeURIComponent(location.hash.slice(1))); });
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest('a[href^="#"]');
      if (a) reveal(decodeURIComponent(a.getAttribute("href").slice(1)));
    });
    if (location.hash) reveal(decodeURIComponent(location.hash.slice(1)));
  }

  /* ---------------------------------------------------------------- language menu */
  function setupLanguageMenu() {
    var menu = document.querySelector(".lang-menu");
    if (!menu) return;
    document.addEventListener("click", function (e) {
      if (menu.open && !menu.contains(e.target)) menu.open = false;
    });
    menu.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  /* ---------------------------------------------------------------- scrolling boxes */
  // A table or code block wider than its box scrolls; give it keyboard focus so that
  // people who do not use a mouse can scroll it too (WCAG 2.1.1).
  function setupScrollables() {
    var boxes = document.querySelectorAll(".content table, .content pre");
    function check() {
      Array.prototype.forEach.call(boxes, function (el) {
        var scrolls = el.scrollWidth > el.clientWidth + 1;
        if (scrolls && !el.hasAttribute("tabindex")) {
          el.setAttribute("tabindex", "0");
          el.setAttribute("data-scroll-focus", "");
        } else if (!scrolls && el.hasAttribute("data-scroll-focus")) {
          el.removeAttribute("tabindex");
          el.removeAttribute("data-scroll-focus");
        }
      });
    }
    check();
    var timer;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 150);
    });
  }

  /* ---------------------------------------------------------------- table of contents */
  function setupScrollSpy() {
    var links = document.querySelectorAll(".toc a[href^='#']");
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {};
    var targets = [];
    Array.prototype.forEach.call(links, function (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1));
      var el = document.getElementById(id);
      if (el) {
        byId[id] = a;
        targets.push(el);
      }
    });
    var visible = {};
    function update() {
      var current = null;
      for (var i = 0; i < targets.length; i++) {
        if (visible[targets[i].id]) { current = targets[i].id; break; }
      }
      if (!current) return;
      Array.prototype.forEach.call(links, function (a) { a.removeAttribute("aria-current"); });
      if (byId[current]) byId[current].setAttribute("aria-current", "true");
    }
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
      update();
    }, { rootMargin: "-10% 0px -70% 0px" });
    targets.forEach(function (t) { io.observe(t); });
  }

  /* ---------------------------------------------------------------- sidebar position */
  function revealCurrentNavItem() {
    var current = document.querySelector('.sidebar a[aria-current="page"]');
    var sidebar = document.querySelector(".sidebar");
    if (!current || !sidebar || sidebar.scrollHeight <= sidebar.clientHeight) return;
    var top = current.offsetTop - sidebar.clientHeight / 3;
    if (top > 0) sidebar.scrollTop = top;
  }

  /* ---------------------------------------------------------------- search */
  // How much a match in each metadata field of the index (src/search.rs) adds to a result's
  // score, on top of the words of its text. A page named by what was searched, in its title or
  // its aliases, comes first; a section's introduction, the start page or a term's page
  // (`heading`) comes after the article named like it, but before pages that only mention it.
  // The labels shown under each result do not rank. tests/search-relevance.txt holds the
  // queries these weights are checked against.
  var RANKING = {
    metaWeights: { title: 5, aliases: 10, heading: 4, section: 0, topic: 0, design: 0, result: 0 }
  };

  // The search box shows every metadata field of a result as "Name: value" under its excerpt:
  // keep the section (or a term page's vocabulary) and the evidence labels, named as the page
  // names them, in the reader's language; the design and its result stay side by side, as on
  // the page.
  var LABELS = [["section", "data-section-label"], ["topic", "data-topic-label"],
    ["design", "data-design-label"], ["result", "data-result-label"]];
  function withLabels(result, box) {
    var meta = result.meta || {};
    var shown = { title: meta.title || meta.heading || "" };
    LABELS.forEach(function (field) {
      var name = (box.getAttribute(field[1]) || field[0]).replace(/[:：]\s*$/, "");
      if (meta[field[0]]) shown[name] = meta[field[0]];
    });
    result.meta = shown;
    // A page found by its aliases or title alone has no matching heading, and the search box,
    // showing matching headings, then shows no excerpt at all (it shows the page's excerpt
    // only when the first heading listed is the page's top): list the top, with the excerpt
    // pagefind made (how the page begins).
    if (Array.isArray(result.sub_results) && !result.sub_results.length) {
      result.sub_results = [{ title: shown.title, url: result.url, excerpt: result.excerpt, locations: [] }];
    }
    return result;
  }

  function setupSearch() {
    var box = document.getElementById("search");
    if (!box || !box.hasAttribute("data-bundle") || typeof window.PagefindUI !== "function") return;
    var fallback = box.querySelector(".search-fallback");
    try {
      new window.PagefindUI({
        element: "#search",
        bundlePath: box.getAttribute("data-bundle"),
        // The index already stores each page's full path, base path included: another
        // baseUrl would be added in front of it ("/repo/repo/...").
        baseUrl: "/",
        showSubResults: true,
        showImages: false,
        resetStyles: false,
        ranking: RANKING,
        processResult: function (result) { return withLabels(result, box); },
        translations: {
          placeholder: box.getAttribute("data-placeholder") || "Search"
        }
      });
    } catch (e) {
      return; // keep the fallback link
    }
    box.classList.add("is-ready");
    if (fallback) fallback.setAttribute("hidden", "");
    var input = box.querySelector("input");
    if (input) {
      if (!input.getAttribute("aria-label")) input.setAttribute("aria-label", box.getAttribute("data-label") || "Search");
      // "/" focuses the search box, as on many documentation sites.
      document.addEventListener("keydown", function (e) {
        if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
        var t = e.target;
        if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
        e.preventDefault();
        input.focus();
      });
      input.addEventListener("keydown", function (e) {
        if (e.key === "Escape") {
          var clear = box.querySelector(".pagefind-ui__search-clear");
          if (clear) clear.click();
        }
      });
    }
  }

  /* ---------------------------------------------------------------- trials table */
  // The table is complete without JavaScript; this adds sorting by any column with a
  // `data-sort` header and the filters above it (hidden until this runs).
  function setupTrialTable() {
    var table = document.getElementById("trial-table");
    if (!table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var value = function (row) {
          var cell = row.cells[col];
          var v = cell.getAttribute("data-value");
          if (v === null) v = cell.textContent.trim();
          return kind === "number" ? parseFloat(v) || 0 : v.toLowerCase();
        };
        var sorted = rows.slice().sort(function (a, b) {
          var x = value(a), y = value(b);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        sorted.forEach(function (row) { body.appendChild(row); });
      });
    });
    var form = document.querySelector(".trial-filters");
    if (!form) return;
    var selects = form.querySelectorAll("select[data-filter]");
    var count = form.querySelector(".trial-count");
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = Array.prototype.every.call(selects, function (sel) {
          if (!sel.value) return true;
          var values = (row.getAttribute("data-f-" + sel.getAttribute("data-filter")) || "").split(" ");
          return values.indexOf(sel.value) !== -1;
        });
        row.hidden = !ok;
        if (ok) shown++;
      });
      if (count) {
        count.textContent = count.getAttribute("data-template").replace("{n}", shown).replace("{total}", rows.length);
      }
    }
    Array.prototype.forEach.call(selects, function (sel) { sel.addEventListener("change", apply); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  }

  /* ---------------------------------------------------------------- evidence map */
  // Without JavaScript every cell is open; with it, cells start folded and the filters (design,
  // result, route, status) hide the studies that do not match and recount each cell.
  function setupMatrix() {
    var cells = document.querySelectorAll(".matrix .cell-details");
    Array.prototype.forEach.call(cells, function (d) { d.open = false; });
    var form = document.querySelector(".matrix-filters");
    if (!form) return;
    var selects = form.querySelectorAll("select[data-filter]");
    function apply() {
      Array.prototype.forEach.call(document.querySelectorAll(".matrix-cell"), function (cell) {
        var items = cell.querySelectorAll(".cell-trials li");
        if (!items.length) return;
        var shown = 0;
        Array.prototype.forEach.call(items, function (li) {
          var ok = Array.prototype.every.call(selects, function (sel) {
            if (!sel.value) return true;
            var values = (li.getAttribute("data-f-" + sel.getAttribute("data-filter")) || "").split(" ");
            return values.indexOf(sel.value) !== -1;
          });
          li.hidden = !ok;
          if (ok) shown++;
        });
        cell.classList.toggle("is-filtered", shown === 0);
      });
    }
    Array.prototype.forEach.call(selects, function (sel) { sel.addEventListener("change", apply); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
  }

  function init() {
    setupThemeToggle();
    setupDrawers();
    setupLanguageMenu();
    setupScrollables();
    setupScrollSpy();
    revealCurrentNavItem();
    setupTrialTable();
    setupMatrix();
    setupSearch();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
