/* officebook: the onboarding sign-off sheet remembers what the newcomer fills in.
 *
 * Each `.officebook-signoff` wrapper carries its scope (the manual) and post; its inputs carry a
 * `data-field` (newcomer, started, mentor, chief, done:<entry key>). Their values are stored in
 * localStorage under one key per manual and post, so the sheet is the same after a reload and can be
 * printed filled in. Works with Material's instant navigation (document$) and without it.
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

  function setUp(sheet) {
    if (sheet.getAttribute("data-ready")) {
      return;
    }
    sheet.setAttribute("data-ready", "1");
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
