/* officebook: the onboarding sign-off sheet remembers what the newcomer fills in.
 *
 * Each `.officebook-signoff` wrapper carries its scope (the manual) and post; its inputs carry a
 * `data-field` (newcomer, started, mentor, chief, done:<entry key>). Their values are stored in
 * localStorage under one key per manual and post, so the sheet is the same after a reload and can be
 * printed filled in. Works with Material's instant navigation (document$) and without it.
 *
 * The sheet's tables of items (one per onboarding list: each item and the date it was done) are made
 * here from the page's onboarding lists, which carry the same items with their keys: the page does not
 * carry them twice. A date is stored under `done:<the item's key>`.
 */
(function () {
  "use strict";

  var PREFIX = "officebook:v1:signoff";
  var memory = {};

  function storageKey(sheet) {
    return [PREFIX, sheet.getAttribute("data-scope"), sheet.getAttribute("data-post")].join(":");
  }

  function read(key) {
    var raw = null;
    try {
      raw = window.localStorage.getItem(key);
    } catch (error) {
      raw = Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
    }
    try {
      var value = raw ? JSON.parse(raw) : {};
      return value && typeof value === "object" ? value : {};
    } catch (error) {
      return {};
    }
  }

  function write(key, values) {
    var raw = JSON.stringify(values);
    try {
      window.localStorage.setItem(key, raw);
    } catch (error) {
      memory[key] = raw;
    }
  }

  function headingText(list) {
    var heading = list.querySelector("h1, h2, h3, h4");
    var text = "";
    if (!heading) return text;
    for (var node = heading.firstChild; node; node = node.nextSibling) {
      if (!(node.classList && node.classList.contains("headerlink"))) text += node.textContent;
    }
    return text.trim();
  }

  function cell(tag, text) {
    var element = document.createElement(tag);
    if (tag === "th") element.setAttribute("scope", "col");
    element.textContent = text;
    return element;
  }

  /* One table per onboarding list, before the signatures: the item, and a date box named by it. */
  function addItems(sheet) {
    var lists = document.querySelectorAll(".officebook-checklist[data-list^=onboarding-]");
    var before = sheet.querySelector(".officebook-signoff__signatures");
    var doneOn = sheet.getAttribute("data-done-on") || "Done on";
    var colon = sheet.getAttribute("data-colon") || ": ";
    Array.prototype.forEach.call(lists, function (list) {
      var boxes = list.querySelectorAll("input[data-key]");
      if (!boxes.length) return;
      var table = document.createElement("table");
      table.className = "officebook-signoff__items";
      table.appendChild(cell("caption", headingText(list)));
      var head = table.appendChild(document.createElement("thead")).appendChild(document.createElement("tr"));
      head.appendChild(cell("th", sheet.getAttribute("data-item") || "Item"));
      head.appendChild(cell("th", doneOn));
      var body = table.appendChild(document.createElement("tbody"));
      Array.prototype.forEach.call(boxes, function (box) {
        var text = (box.parentNode.textContent || "").trim();
        var row = body.appendChild(document.createElement("tr"));
        row.appendChild(cell("td", text));
        var date = document.createElement("input");
        date.type = "date";
        date.setAttribute("data-field", "done:" + box.getAttribute("data-key"));
        date.setAttribute("aria-label", doneOn + colon + text);
        row.appendChild(document.createElement("td")).appendChild(date);
      });
      sheet.insertBefore(table, before);
    });
  }

  function setUp(sheet) {
    if (sheet.getAttribute("data-ready")) {
      return;
    }
    sheet.setAttribute("data-ready", "1");
    addItems(sheet);
    var key = storageKey(sheet);
    var values = read(key);
    var inputs = sheet.querySelectorAll("input[data-field]");
    Array.prototype.forEach.call(inputs, function (input) {
      var field = input.getAttribute("data-field");
      if (typeof values[field] === "string") {
        input.value = values[field];
      }
      input.addEventListener("change", function () {
        var current = read(key);
        if (input.value) {
          current[field] = input.value;
        } else {
          delete current[field];
        }
        write(key, current);
      });
    });
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".officebook-signoff"), setUp);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUpAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
