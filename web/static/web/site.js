/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // After a failed form submission, move focus to the error summary so that it is read out first.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
  }

  // Filter forms update their results in place; focus stays where it is and a live region reports the count.
  function liveFilters(form) {
    var target = document.querySelector(form.getAttribute("data-live-filter"));
    var status = document.querySelector("[data-live-status]");
    if (!target || !window.fetch || !window.DOMParser) return;
    var pending = null;

    function update() {
      var query = new URLSearchParams(new FormData(form));
      query.forEach(function (value, key) { if (value === "") query.delete(key); });
      var url = form.action.split("?")[0] + (query.toString() ? "?" + query.toString() : "");
      if (pending) pending.abort();
      pending = new AbortController();
      target.setAttribute("aria-busy", "true");
      fetch(url, { headers: { "Accept": "text/html" }, signal: pending.signal, credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.querySelector(form.getAttribute("data-live-filter"));
          if (!fresh) return;
          target.innerHTML = fresh.innerHTML;
          form.querySelectorAll("select").forEach(function (select) {
            var other = page.getElementById(select.id);
            if (!other) return;
            Array.prototype.forEach.call(select.options, function (option, index) {
              if (other.options[index] && other.options[index].value === option.value) option.textContent = other.options[index].textContent;
            });
          });
          history.replaceState(null, "", url);
          var count = target.querySelector("[data-result-count]");
          if (status && count) status.textContent = count.textContent.trim();
        })
        .catch(function () { /* the submit button still works */ })
        .finally(function () { target.removeAttribute("aria-busy"); });
    }

    form.querySelectorAll("[data-autosubmit]").forEach(function (field) { field.addEventListener("change", update); });
    var search = form.querySelector("input[type=search]");
    var timer = null;
    if (search) search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 400); });
  }

  // On narrow screens the filters start folded, so that the results are near the top.
  function foldFiltersWhenNarrow() {
    if (!window.matchMedia("(max-width: 55.99rem)").matches) return;
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (details) {
      if (!details.querySelector("select[data-facet] option[selected]:not([value=''])")) details.removeAttribute("open");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    foldFiltersWhenNarrow();
    document.querySelectorAll("form[data-live-filter]").forEach(liveFilters);
  });
})();
