/* officebook: each search result says what kind of entry it is (职责, 流程, 标准 ...), so a duty
 * and a procedure with the same title can be told apart. The names come from the page
 * (#officebook-kinds, written by the theme override in the site's language); the kind is read
 * from the result's address (`<kind>/<id>/`, the glossary, the matrix).
 */
(function () {
  "use strict";

  var names = null;

  function kindNames() {
    if (names === null) {
      var element = document.getElementById("officebook-kinds");
      try {
        names = element ? JSON.parse(element.textContent) : {};
      } catch (error) {
        names = {};
      }
    }
    return names;
  }

  function kindOf(href) {
    var path;
    try {
      path = new URL(href, window.location.href).pathname;
    } catch (error) {
      return null;
    }
    var match = /\/(functions|duties|procedures|standards|posts|onboarding)\/[^/]+\/(index\.html)?$/.exec(path);
    if (match) return match[1];
    match = /\/(glossary|raci)(\/|\/index\.html|\.html)$/.exec(path);
    return match ? match[1] : null;
  }

  function label(item) {
    var link = item.querySelector("a.md-search-result__link");
    var title = item.querySelector(".md-search-result__article h1");
    if (!link || !title || title.querySelector(".officebook-kind")) return;
    var kind = kindOf(link.getAttribute("href"));
    var name = kind && kindNames()[kind];
    // the glossary and the matrix are one page each, titled by their kind: 术语 术语 would say it twice
    if (!name || title.textContent.replace(/\u200b/g, "").trim() === name) return;
    var badge = document.createElement("span");
    badge.className = "officebook-kind";
    badge.textContent = name;
    title.insertBefore(badge, title.firstChild);
  }

  function watch() {
    var list = document.querySelector(".md-search-result__list");
    if (!list || list.dataset.officebookKinds) return;
    list.dataset.officebookKinds = "1";
    var update = function () {
      var items = list.querySelectorAll(".md-search-result__item");
      for (var i = 0; i < items.length; i++) label(items[i]);
    };
    new MutationObserver(update).observe(list, { childList: true });
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
