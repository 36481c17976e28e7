/* officebook: the organisation chart's sections fold (each section's posts are a <details open>, see
 * render/orgchart.py); a printed chart shows them all. Sections a reader folded are opened for the
 * print and folded again after it, so the page on screen stays as the reader left it.
 */
(function () {
  "use strict";

  var opened = [];

  window.addEventListener("beforeprint", function () {
    var folded = document.querySelectorAll("details.officebook-org__posts:not([open])");
    for (var i = 0; i < folded.length; i++) {
      folded[i].open = true;
      opened.push(folded[i]);
    }
  });

  window.addEventListener("afterprint", function () {
    while (opened.length) opened.pop().open = false;
  });
})();
