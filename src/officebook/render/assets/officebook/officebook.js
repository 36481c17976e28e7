/* officebook: checklists that remember their ticks.
 *
 * Each `.officebook-checklist` wrapper carries its scope (the manual), post, list and period
 * (day, week, month, quarter, year or none) and the stable keys of its entries, in order.
 * Ticks are stored in localStorage per manual, post and list, together with the period they
 * belong to: when the period changes (a new day for a daily list, a new ISO week for a weekly
 * one...) the list starts fresh. Each list gets a reset and a print button. Works with Material's
 * instant navigation (document$) and without it.
 */
(function () {
  "use strict";

  var PREFIX = "officebook:v1";
  var memory = {};

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function isoWeek(date) {
    var day = new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
    var weekday = day.getUTCDay() || 7;
    day.setUTCDate(day.getUTCDate() + 4 - weekday);
    var yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
    var week = Math.ceil(((day - yearStart) / 86400000 + 1) / 7);
    return day.getUTCFullYear() + "-W" + pad(week);
  }

  function periodId(period, now) {
    var year = now.getFullYear();
    switch (period) {
      case "day": return year + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
      case "week": return isoWeek(now);
      case "month": return year + "-" + pad(now.getMonth() + 1);
      case "quarter": return year + "-Q" + (Math.floor(now.getMonth() / 3) + 1);
      case "year": return String(year);
      default: return "";
    }
  }

  function storageKey(list) {
    var data = list.dataset;
    return [PREFIX, data.scope, data.post, data.list].join(":");
  }

  function read(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return memory[key] || null;
    }
  }

  function write(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (error) {
      memory[key] = value;
    }
  }

  function load(list, period) {
    var stored = null;
    try {
      stored = JSON.parse(read(storageKey(list)) || "null");
    } catch (error) {
      stored = null;
    }
    if (!stored || stored.period !== period || !Array.isArray(stored.ticked)) return [];
    return stored.ticked;
  }

  function save(list, period, ticked) {
    write(storageKey(list), ticked.length ? JSON.stringify({ period: period, ticked: ticked }) : null);
  }

  function entries(list) {
    var keys = (list.dataset.keys || "").split(" ");
    var boxes = list.querySelectorAll("li.task-list-item input[type=checkbox]");
    var found = [];
    for (var i = 0; i < boxes.length && i < keys.length; i++) {
      found.push({ key: keys[i], box: boxes[i] });
    }
    return found;
  }

  function button(text, className, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "md-button officebook-checklist__button " + className;
    element.textContent = text;
    element.addEventListener("click", onClick);
    return element;
  }

  /* Height of the list laid out as printed (A4 less margins is about 700 x 1030 CSS px). */
  function printedHeight(list, columns) {
    list.classList.add("officebook-print-measure");
    list.classList.toggle("officebook-print-columns", columns);
    var height = list.scrollHeight;
    list.classList.remove("officebook-print-measure");
    return height;
  }

  /* Print this list alone, scaled (and if need be set in two columns) to fit one A4 page. */
  function printList(list) {
    var root = document.documentElement;
    var room = 960;  /* page height less the title and the signature line */
    var single = Math.min(1, room / Math.max(printedHeight(list, false), 1));
    var double = Math.min(1, room / Math.max(printedHeight(list, true), 1));
    var columns = double > single * 1.1;
    list.classList.toggle("officebook-print-columns", columns);
    list.style.setProperty("--officebook-print-zoom", String(Math.max(0.45, columns ? double : single)));
    list.classList.add("officebook-print-target");
    root.classList.add("officebook-printing");
    function done() {
      list.classList.remove("officebook-print-target", "officebook-print-columns");
      root.classList.remove("officebook-printing");
      list.style.removeProperty("--officebook-print-zoom");
      window.removeEventListener("afterprint", done);
    }
    window.addEventListener("afterprint", done);
    window.print();
  }

  function setup(list) {
    if (list.dataset.officebookReady) return;
    list.dataset.officebookReady = "true";
    var period = periodId(list.dataset.period, new Date());
    var ticked = load(list, period);
    var items = entries(list);
    items.forEach(function (entry) {
      var box = entry.box;
      var item = box.closest("li");
      box.disabled = false;
      box.checked = ticked.indexOf(entry.key) !== -1;
      box.dataset.key = entry.key;
      if (item && !box.getAttribute("aria-label")) {
        box.setAttribute("aria-label", item.textContent.replace(/\s+/g, " ").trim());
      }
      box.addEventListener("change", function () {
        var current = load(list, period).filter(function (key) { return key !== entry.key; });
        if (box.checked) current.push(entry.key);
        save(list, period, current);
      });
    });
    var bar = document.createElement("div");
    bar.className = "officebook-checklist__bar";
    if (period) {
      var shown = document.createElement("span");
      shown.className = "officebook-checklist__period";
      shown.textContent = (list.dataset.labelPeriod || "Period: ") + period;
      bar.appendChild(shown);
    }
    bar.appendChild(button(list.dataset.labelReset || "Reset", "officebook-checklist__reset", function () {
      items.forEach(function (entry) { entry.box.checked = false; });
      save(list, period, []);
    }));
    bar.appendChild(button(list.dataset.labelPrint || "Print", "officebook-checklist__print", function () {
      printList(list);
    }));
    var heading = list.querySelector("h1, h2, h3, h4");
    if (heading && heading.nextSibling) heading.parentNode.insertBefore(bar, heading.nextSibling);
    else list.insertBefore(bar, list.firstChild);
  }

  /* Material's search overlay is a dialog without a name; name it after its input. */
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    var input = document.querySelector(".md-search__input");
    if (dialog && !dialog.getAttribute("aria-label") && input) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || input.getAttribute("placeholder") || "Search");
    }
  }

  function setupAll() {
    nameSearchDialog();
    var lists = document.querySelectorAll(".officebook-checklist");
    for (var i = 0; i < lists.length; i++) setup(lists[i]);
  }

  /* Opened from a folder (offline build), Material would fetch each language's sitemap.xml to
     map pages across languages; file:// forbids that, and our language links already lead to
     the same page. Drop the <link rel=alternate> hints before Material reads them. */
  if (window.location.protocol === "file:") {
    var hints = document.querySelectorAll("link[rel=alternate][hreflang]");
    for (var h = 0; h < hints.length; h++) hints[h].parentNode.removeChild(hints[h]);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setupAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
