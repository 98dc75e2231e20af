/* After an in-place update, put focus where the person's attention should go and say what
   happened: to the first field that needs attention (and announce how many do), or to the
   notice of what was done (and announce it). Without this, focus falls to the page's body
   and the next Tab starts again from the top. */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) {
      return;
    }
    region.textContent = "";
    // Set after a moment, so the same words twice in a row are announced twice.
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  function swappedElement(detail) {
    var target = detail.target || detail.elt;
    if (target && !target.isConnected && target.id) {
      return document.getElementById(target.id); // an outerHTML swap replaced it
    }
    return target;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var swapped = swappedElement(event.detail);
    if (!swapped || !swapped.querySelector) {
      return;
    }
    var invalid = swapped.querySelectorAll('[aria-invalid="true"]');
    if (invalid.length) {
      invalid[0].focus();
      var first = swapped.querySelector(".field__errors");
      var words = invalid.length === 1 ? "1 field needs attention" : invalid.length + " fields need attention";
      announce(words + (first ? ": " + first.textContent.trim() : "."));
      return;
    }
    var notice = swapped.matches('[role="status"]') ? swapped : swapped.querySelector('[role="status"]');
    if (notice) {
      notice.setAttribute("tabindex", "-1");
      notice.focus();
      announce(notice.textContent.trim());
    }
  });
})();
