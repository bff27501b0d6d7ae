// Margin notes on wide screens (site.css, "Wide screens"): each note starts level with its passage's
// paragraph, or below the note before it when that one reaches down further, so that notes never
// overlap and the text never opens a gap for them. Runs again when fonts arrive or the width changes.
(function () {
  "use strict";
  var GAP = 16;
  var original = document.querySelector(".original");
  if (!original) return;
  var wide = window.matchMedia("screen and (min-width: 64rem)");

  function place() {
    var notes = original.querySelectorAll(".row > .notes");
    var lowest = -Infinity;
    var bottom = 0;
    for (var i = 0; i < notes.length; i++) {
      var note = notes[i];
      note.style.insetBlockStart = "";
      if (!wide.matches) continue;
      var row = note.parentNode.offsetTop;
      var top = Math.max(row, lowest + GAP);
      note.style.insetBlockStart = top - row + "px";
      lowest = top + note.offsetHeight;
      bottom = Math.max(bottom, lowest);
    }
    original.style.minHeight = wide.matches && bottom ? bottom + "px" : "";
  }

  place();
  if (document.fonts) document.fonts.ready.then(place);
  if (window.ResizeObserver) new ResizeObserver(place).observe(original);
  else window.addEventListener("resize", place);
})();
