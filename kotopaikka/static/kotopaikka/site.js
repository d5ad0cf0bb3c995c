/*
 * Kotopaikka: the little behaviour that needs a script (loaded with defer on every page).
 * Everything works without it; the script only moves focus where a keyboard or
 * screen-reader user would otherwise have to search for it.
 *
 * 1. After a failed submit the page comes back with an error summary at the top of the form
 *    (templates/_error_summary.html). Focus moves to it, so that the user learns at once what
 *    went wrong (WCAG 3.3.1, 2.4.3). Each link in it focuses its field and scrolls the
 *    field's label (or legend) into view, which following the bare #id would not do.
 * 2. A link to something inside a closed <details> (the dashboard's "Show the map as a
 *    table") opens it, then focuses the target.
 */
(function () {
  "use strict";

  function labelFor(field) {
    if (field.labels && field.labels.length) return field.labels[0];
    var fieldset = field.closest("fieldset");
    return fieldset ? fieldset.querySelector("legend") || fieldset : field;
  }

  function target(link) {
    if (!link.hash || link.pathname !== window.location.pathname) return null;
    return document.getElementById(decodeURIComponent(link.hash.slice(1)));
  }

  function reveal(element) {
    for (var d = element.closest("details"); d; d = d.parentElement.closest("details")) {
      d.open = true;
    }
  }

  function onClick(event) {
    var link = event.target.closest("a[href*='#']");
    if (!link) return;
    var element = target(link);
    if (!element) return;
    if (link.closest("[data-kp-error-summary]")) {
      event.preventDefault();
      labelFor(element).scrollIntoView({block: "start"});
      element.focus({preventScroll: true});
    } else if (element.closest("details:not([open])") || element.tagName === "DETAILS") {
      event.preventDefault();
      reveal(element);
      if (element.tagName === "DETAILS") element.open = true;
      var focusable = element.tagName === "DETAILS" ? element.querySelector("summary") : element;
      focusable.scrollIntoView({block: "start"});
      focusable.focus({preventScroll: true});
      history.replaceState(null, "", link.hash);
    }
  }

  function start() {
    document.addEventListener("click", onClick);
    var summary = document.querySelector("[data-kp-error-summary]");
    if (summary) summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
