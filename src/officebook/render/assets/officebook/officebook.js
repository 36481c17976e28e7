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

  function printList(list) {
    var root = document.documentElement;
    var width = 700;  /* A4 less margins, in CSS pixels */
    list.classList.add("officebook-print-target");
    root.classList.add("officebook-printing");
    list.style.width = width + "px";
    var height = list.scrollHeight;
    list.style.width = "";
    var fit = 1000 / Math.max(height, 1);  /* A4 height less margins and the print header */
    list.style.setProperty("--officebook-print-zoom", String(Math.max(0.55, Math.min(1, fit))));
    function done() {
      list.classList.remove("officebook-print-target");
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
      shown.textContent = (list.dataset.labelPeriod || "Period") + ": " + period;
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

  function setupAll() {
    var lists = document.querySelectorAll(".officebook-checklist");
    for (var i = 0; i < lists.length; i++) setup(lists[i]);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setupAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
