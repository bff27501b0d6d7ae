// Remembers the reader's interface language. The root chooser page sends a
// returning reader straight to it; every language link updates it.
(function () {
  "use strict";
  var KEY = "digest-lang";
  var LANGS = ["fa", "ar"];

  function remember(lang) {
    try { localStorage.setItem(KEY, lang); } catch (e) { /* private mode: nothing to remember */ }
  }

  function remembered() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-lang]") : null;
    if (link && LANGS.indexOf(link.getAttribute("data-lang")) !== -1) {
      remember(link.getAttribute("data-lang"));
    }
  });

  if (document.body.classList.contains("page-chooser")) {
    var lang = remembered();
    if (LANGS.indexOf(lang) !== -1 && location.hash !== "#choose") {
      location.replace(lang + "/");
    }
  }
})();
