/* officebook: checklists that remember their ticks.
 *
 * Each `.officebook-checklist` wrapper carries its scope (the manual), post, list and period
 * (day, week, month, quarter, year or none); each line is a <label> around its checkbox, which
 * carries the line's stable key (`data-key`). Ticks are stored in localStorage per manual, post
 * and list, together with the period they belong to: when the period changes (a new day for a
 * daily list, a new ISO week for a weekly one...) the list starts fresh. The period is shown in
 * words (2026年12月1日, 12月第1周, 2026年第四季度; Week of 30 November 2026). Reset asks once and
 * can be undone. Periods follow the post's working day (`data-day-starts`, "HH:MM"): a duty room
 * whose shift starts at 08:30 keeps a tick made at 23:50 until 08:30 the next morning; a page left
 * open across that boundary moves to the new period, says so, and never files a tick under the old
 * one. A `.officebook-case` sheet keeps several cases open at once, each with its
 * reference and its own ticks. Works with Material's instant navigation (document$) and without it.
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

  /* Minutes after midnight at which the list's working day begins (0 when unset or malformed). */
  function dayStart(list) {
    var match = /^(\d{1,2}):(\d{2})$/.exec(list.dataset.dayStarts || "");
    if (!match || +match[1] > 23 || +match[2] > 59) return 0;
    return +match[1] * 60 + +match[2];
  }

  /* The clock as the list counts it: shifted back by the day's start, so 00:10 on a shift that
     began at 08:30 the day before still falls on that day. */
  function workingNow(list) {
    var now = new Date();
    var start = dayStart(list);
    if (!start) return now;
    return new Date(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours(),
                    now.getMinutes() - start, now.getSeconds(), now.getMilliseconds());
  }

  function startWords(list) {
    var start = dayStart(list);
    return pad(Math.floor(start / 60)) + ":" + pad(start % 60);
  }

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];
  var CHINESE_NUMBERS = ["一", "二", "三", "四"];

  function isChinese() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  }

  /* The period as people say it: 2026年12月1日, 12月第1周, 2026年12月, 2026年第四季度, 2026年. */
  function periodWords(period, now) {
    var zh = isChinese();
    var year = now.getFullYear(), month = now.getMonth(), date = now.getDate();
    switch (period) {
      case "day":
        return zh ? year + "年" + (month + 1) + "月" + date + "日" : date + " " + MONTHS[month] + " " + year;
      case "week": {
        var monday = new Date(year, month, date - ((now.getDay() + 6) % 7));
        var thursday = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 3);
        if (zh) return (thursday.getMonth() + 1) + "月第" + Math.ceil(thursday.getDate() / 7) + "周";
        return "Week of " + monday.getDate() + " " + MONTHS[monday.getMonth()] + " " + monday.getFullYear();
      }
      case "month":
        return zh ? year + "年" + (month + 1) + "月" : MONTHS[month] + " " + year;
      case "quarter": {
        var quarter = Math.floor(month / 3);
        return zh ? year + "年第" + CHINESE_NUMBERS[quarter] + "季度" :
          MONTHS[quarter * 3] + "–" + MONTHS[quarter * 3 + 2] + " " + year;
      }
      case "year":
        return zh ? year + "年" : String(year);
      default: return "";
    }
  }

  /* The words around the lists: on the page's first list (the same for every list of a page). */
  function labels(list) {
    var source = list.dataset.labels ? list : document.querySelector("[data-labels]");
    try {
      return JSON.parse((source && source.dataset.labels) || "{}");
    } catch (error) {
      return {};
    }
  }

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? values[name] : whole;
    });
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

  function readJson(key) {
    try {
      return JSON.parse(read(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function load(list, period) {
    var stored = readJson(storageKey(list));
    if (!stored || stored.period !== period || !Array.isArray(stored.ticked)) return [];
    return stored.ticked;
  }

  function save(list, period, ticked) {
    write(storageKey(list), ticked.length ? JSON.stringify({ period: period, ticked: ticked }) : null);
  }

  /* The boxes of a list: each line's checkbox, with its key (older pages: keys in list order). */
  function entries(list) {
    var boxes = list.querySelectorAll("input[type=checkbox]");
    var keys = (list.dataset.keys || "").split(" ");
    var found = [];
    for (var i = 0; i < boxes.length; i++) {
      var key = boxes[i].dataset.key || keys[i];
      if (key) found.push({ key: key, box: boxes[i] });
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

  function status() {
    var element = document.createElement("span");
    element.className = "officebook-checklist__status";
    element.setAttribute("role", "status");
    element.setAttribute("aria-live", "polite");
    return element;
  }

  /* Height of the list laid out as printed: A4 less the 12 mm margins (186 x 273 mm), with its
     title and signature line (officebook.css, .officebook-print-measure). */
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
    /* 273 mm in CSS px (96 per inch), less 2% for the rounding of zoomed lines */
    var room = 273 / 25.4 * 96 * 0.98;
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

  function placeBar(list, bar) {
    var heading = list.querySelector("h1, h2, h3, h4");
    if (heading && heading.nextSibling) heading.parentNode.insertBefore(bar, heading.nextSibling);
    else list.insertBefore(bar, list.firstChild);
  }

  /* Reset in two steps, then undo: [Reset] → "Clear every tick?" [Clear] [Cancel] → "Cleared." [Undo]. */
  function resetControl(words, text, clear, restore) {
    var holder = document.createElement("span");
    holder.className = "officebook-checklist__reset-control";
    function show(parts) {
      while (holder.firstChild) holder.removeChild(holder.firstChild);
      parts.forEach(function (part) { holder.appendChild(part); });
    }
    function initial() {
      show([button(text, "officebook-checklist__reset", ask)]);
    }
    function ask() {
      var question = document.createElement("span");
      question.className = "officebook-checklist__question";
      question.textContent = words["reset-confirm"] || "Clear every tick of this list?";
      var yes = button(words["reset-yes"] || "Clear", "officebook-checklist__confirm", function () {
        var previous = clear();
        var note = document.createElement("span");
        note.className = "officebook-checklist__question";
        note.textContent = words.cleared || "Ticks cleared.";
        var undo = button(words.undo || "Undo", "officebook-checklist__undo", function () {
          restore(previous);
          initial();
          holder.querySelector("button").focus();
        });
        show([note, undo]);
        undo.focus();
      });
      var no = button(words.cancel || "Cancel", "officebook-checklist__cancel", function () {
        initial();
        holder.querySelector("button").focus();
      });
      show([question, yes, no]);
      yes.focus();
    }
    initial();
    return holder;
  }

  /* The period in words; a day that starts at a shift's start says so. */
  function shownPeriod(list, words, now) {
    var text = periodWords(list.dataset.period, now);
    if (list.dataset.period === "day" && dayStart(list)) {
      text = format(words["shift-of"] || "Shift of {date} (from {time})", { date: text, time: startWords(list) });
    }
    return text;
  }

  /* What every list of a page shares (the manual's scope, the post, its working day, the signature
     line printed under a list) is written once, on the page's first list: each list takes it from
     there. A list's print title is the post's name and the list's own heading. */
  function inherit(list) {
    var first = document.querySelector("[data-labels]");
    if (first && first !== list) {
      ["scope", "post", "dayStarts", "printPost", "printFooter"].forEach(function (name) {
        if (list.dataset[name] === undefined && first.dataset[name] !== undefined) list.dataset[name] = first.dataset[name];
      });
    }
    if (list.dataset.printTitle === undefined) {
      var heading = list.querySelector("h1, h2, h3, h4");
      var title = "";
      if (heading) {
        for (var node = heading.firstChild; node; node = node.nextSibling) {
          if (!(node.classList && node.classList.contains("headerlink"))) title += node.textContent;
        }
      }
      title = title.trim();
      list.dataset.printTitle = list.dataset.printPost ? list.dataset.printPost + " · " + title : title;
    }
  }

  function setup(list) {
    if (list.dataset.officebookReady) return;
    list.dataset.officebookReady = "true";
    inherit(list);
    var words = labels(list);
    var now = workingNow(list);
    var period = periodId(list.dataset.period, now);
    var items = entries(list);
    var shown = null;
    var notice = null;
    /* The period has changed under an open page: show the new one, with its own ticks. */
    function rollOver() {
      var current = workingNow(list);
      var id = periodId(list.dataset.period, current);
      if (id === period) return false;
      period = id;
      var ticked = load(list, period);
      items.forEach(function (entry) { entry.box.checked = ticked.indexOf(entry.key) !== -1; });
      if (shown) {
        shown.textContent = shownPeriod(list, words, current);
        shown.setAttribute("title", (words.period || "Period") + ": " + period);
      }
      if (!notice) {
        notice = document.createElement("p");
        notice.className = "officebook-checklist__notice";
        notice.setAttribute("role", "status");
        bar.parentNode.insertBefore(notice, bar.nextSibling);
      }
      notice.textContent = format(words["period-new"] || "A new period has begun ({period}).",
                                  { period: shown ? shown.textContent : period });
      count();
      return true;
    }
    var counter = status();
    function count() {
      var done = items.filter(function (entry) { return entry.box.checked; }).length;
      counter.textContent = format(words["ticked-count"] || "{done} of {total} done", { done: done, total: items.length });
      list.classList.toggle("officebook-checklist--done", done === items.length && items.length > 0);
    }
    function apply(ticked) {
      items.forEach(function (entry) { entry.box.checked = ticked.indexOf(entry.key) !== -1; });
      save(list, period, ticked);
      count();
    }
    var ticked = load(list, period);
    items.forEach(function (entry) {
      var box = entry.box;
      box.disabled = false;
      box.checked = ticked.indexOf(entry.key) !== -1;
      box.addEventListener("change", function () {
        var checked = box.checked;
        if (rollOver()) box.checked = checked;  /* this tick belongs to the new period */
        var current = load(list, period).filter(function (key) { return key !== entry.key; });
        if (box.checked) current.push(entry.key);
        save(list, period, current);
        count();
      });
    });
    var bar = document.createElement("div");
    bar.className = "officebook-checklist__bar";
    if (period) {
      shown = document.createElement("span");
      shown.className = "officebook-checklist__period";
      shown.textContent = shownPeriod(list, words, now);
      shown.setAttribute("title", (words.period || "Period") + ": " + period);
      bar.appendChild(shown);
      /* Checked every half minute and whenever the page comes back into view. */
      var timer = window.setInterval(function () {
        if (!document.documentElement.contains(list)) window.clearInterval(timer);
        else rollOver();
      }, 30000);
      document.addEventListener("visibilitychange", function () {
        if (!document.hidden && document.documentElement.contains(list)) rollOver();
      });
    }
    bar.appendChild(counter);
    var resetText = list.dataset.kind === "occasion" ? (words["start-afresh"] || "Start afresh") : (words.reset || "Reset");
    bar.appendChild(resetControl(words, resetText, function () {
      rollOver();
      var previous = load(list, period);
      apply([]);
      return previous;
    }, function (previous) {
      apply(previous);
    }));
    bar.appendChild(button(words.print || "Print", "officebook-checklist__print", function () {
      printList(list);
    }));
    count();
    placeBar(list, bar);
  }

  /* A case sheet: cases opened with a reference, several at once, kept until closed. */
  function setupCase(sheet) {
    if (sheet.dataset.officebookReady) return;
    sheet.dataset.officebookReady = "true";
    inherit(sheet);
    var words = labels(sheet);
    var key = storageKey(sheet);
    var items = entries(sheet);
    var counter = status();
    function state() {
      var stored = readJson(key);
      if (!stored || !Array.isArray(stored.cases)) stored = { cases: [], current: null };
      return stored;
    }
    function store(value) {
      write(key, value.cases.length ? JSON.stringify(value) : null);
    }
    function currentCase(value) {
      for (var i = 0; i < value.cases.length; i++) {
        if (value.cases[i].id === value.current) return value.cases[i];
      }
      return null;
    }
    var bar = document.createElement("div");
    bar.className = "officebook-checklist__bar officebook-case__bar";
    var field = document.createElement("input");
    field.type = "text";
    field.className = "officebook-case__reference";
    field.setAttribute("aria-label", words["case-reference"] || "Case reference");
    field.placeholder = words["case-reference"] || "Case reference";
    var open = button(words["case-open"] || "Open a case", "officebook-case__open", function () {
      var reference = field.value.trim();
      if (!reference) {
        field.focus();
        return;
      }
      var value = state();
      var id = String(Date.now()) + "-" + value.cases.length;
      value.cases.push({ id: id, reference: reference, opened: new Date().toISOString().slice(0, 10), ticked: [] });
      value.current = id;
      store(value);
      field.value = "";
      render(words["case-current"] + ": " + reference);
    });
    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        open.click();
      }
    });
    var tabs = document.createElement("div");
    tabs.className = "officebook-case__open-cases";
    tabs.setAttribute("role", "group");
    tabs.setAttribute("aria-label", words["case-open-list"] || "Open cases");
    var close = button(words["case-close"] || "Close the case", "officebook-case__close", function () {
      var value = state();
      var closing = currentCase(value);
      if (!closing) return;
      value.cases = value.cases.filter(function (c) { return c.id !== closing.id; });
      value.current = value.cases.length ? value.cases[value.cases.length - 1].id : null;
      store(value);
      render(format(words["case-closed"] || "Case {reference} closed.", { reference: closing.reference }));
    });
    function render(message) {
      var value = state();
      var current = currentCase(value);
      while (tabs.firstChild) tabs.removeChild(tabs.firstChild);
      value.cases.forEach(function (c) {
        var tab = button(c.reference + " · " + c.opened, "officebook-case__tab", function () {
          var latest = state();
          latest.current = c.id;
          store(latest);
          render(words["case-current"] + ": " + c.reference);
        });
        tab.setAttribute("aria-pressed", String(current !== null && c.id === current.id));
        tabs.appendChild(tab);
      });
      close.hidden = !current;
      sheet.classList.toggle("officebook-case--idle", !current);
      items.forEach(function (entry) {
        entry.box.disabled = !current;
        entry.box.checked = !!current && current.ticked.indexOf(entry.key) !== -1;
      });
      if (current) {
        var done = items.filter(function (entry) { return entry.box.checked; }).length;
        counter.textContent = (message ? message + " · " : "") +
          format(words["ticked-count"] || "{done} of {total} done", { done: done, total: items.length });
      } else {
        counter.textContent = message ? message + " · " + (words["case-none"] || "") : (words["case-none"] || "");
      }
    }
    items.forEach(function (entry) {
      entry.box.addEventListener("change", function () {
        var value = state();
        var current = currentCase(value);
        if (!current) return;
        current.ticked = current.ticked.filter(function (k) { return k !== entry.key; });
        if (entry.box.checked) current.ticked.push(entry.key);
        store(value);
        render("");
      });
    });
    bar.appendChild(field);
    bar.appendChild(open);
    bar.appendChild(tabs);
    bar.appendChild(close);
    bar.appendChild(counter);
    bar.appendChild(button(words.print || "Print", "officebook-checklist__print", function () {
      printList(sheet);
    }));
    placeBar(sheet, bar);
    render("");
  }

  /* Material's search overlay is a dialog without a name; name it after its input. */
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    var input = document.querySelector(".md-search__input");
    if (dialog && !dialog.getAttribute("aria-label") && input) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || input.getAttribute("placeholder") || "Search");
    }
  }

  /* The home page's search box: typing in it opens the site's search (Material's, online and
     offline alike) with the same text, so both give the same results. */
  function setupSearchBox() {
    var box = document.querySelector(".officebook-search-box__input");
    var toggle = document.querySelector("input[data-md-toggle=search]");
    var input = document.querySelector(".md-search__input");
    if (!box || !toggle || !input || box.dataset.officebookReady) return;
    box.dataset.officebookReady = "true";
    function open() {
      if (!box.value) return;
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
      input.value = box.value;
      box.value = "";
      input.focus();
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    }
    box.addEventListener("input", open);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        open();
      }
    });
  }

  /* A small button beside an entry's title copies the page's address (the entry's lasting link). */
  function setupCopyLink() {
    var heading = document.querySelector(".md-content article h1");
    if (!heading || document.querySelector(".officebook-copy-link") || document.querySelector(".officebook-search-box")) return;
    var zh = isChinese();
    var copy = document.createElement("button");
    copy.type = "button";
    copy.className = "officebook-copy-link";
    copy.textContent = zh ? "复制链接" : "Copy link";
    copy.addEventListener("click", function () {
      var address = window.location.href.split("#")[0];
      function done() { copy.textContent = zh ? "链接已复制" : "Link copied"; }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(address).then(done, function () { fallback(address); done(); });
      } else {
        fallback(address);
        done();
      }
    });
    heading.insertAdjacentElement("afterend", copy);
  }

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (error) { /* nothing more to try */ }
    document.body.removeChild(area);
  }

  function setupAll() {
    nameSearchDialog();
    setupSearchBox();
    setupCopyLink();
    var lists = document.querySelectorAll(".officebook-checklist");
    for (var i = 0; i < lists.length; i++) setup(lists[i]);
    var sheets = document.querySelectorAll(".officebook-case");
    for (var j = 0; j < sheets.length; j++) setupCase(sheets[j]);
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
