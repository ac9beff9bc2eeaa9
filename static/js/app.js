/* Take Part: small progressive enhancements. Every page works without this file.
   - focus the error summary when a page (or an htmx swap) shows errors
   - live character counts on textareas with a limit
   - announce htmx updates in the page's aria-live region
   - ignore a second press of a submit button while a form is being sent
   - an expense row shows only the boxes its kind needs ([data-kinds], [data-kinds-except]) */
(function () {
  "use strict";

  function focusErrors(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      return true;
    }
    return false;
  }

  function announce(text) {
    var live = document.getElementById("live-region");
    if (!live || !text) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function setupCounts(root) {
    (root || document).querySelectorAll("textarea[data-maxlength]").forEach(function (area) {
      var max = parseInt(area.getAttribute("data-maxlength"), 10);
      var out = document.getElementById(area.id + "-count");
      if (!out || !max) return;
      // Wording by CLDR plural category ("one", "few", ...), as the page's language counts.
      var remaining = JSON.parse(out.getAttribute("data-remaining"));
      var over = JSON.parse(out.getAttribute("data-over"));
      var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang) : null;
      function wording(forms, n) {
        var category = rules ? rules.select(n) : (n === 1 ? "one" : "other");
        return forms[category] || forms.other || forms.many || Object.values(forms)[0];
      }
      function update() {
        var left = max - area.value.length;
        out.textContent = wording(left >= 0 ? remaining : over, Math.abs(left)).replace("%(num)s", String(Math.abs(left)));
        out.classList.toggle("over", left < 0);
      }
      area.addEventListener("input", update);
      update();
    });
  }

  // A second press of a submit button while the first is being sent does nothing.
  // (The server is also safe against repeats; this just saves a confusing wait.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("hx-get") || form.hasAttribute("hx-post")) return;  // htmx manages its own
    if (form.getAttribute("data-submitting") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "true");
    window.setTimeout(function () { form.removeAttribute("data-submitting"); }, 4000);
  });

  // An expense row: when its kind changes, show the boxes that kind needs and hide the others
  // (the server does the same on the next page without JavaScript).
  function showForKind(select) {
    var row = select.closest("fieldset.row") || select.form;
    var kind = select.value;
    row.querySelectorAll("[data-kinds], [data-kinds-except]").forEach(function (box) {
      var listed = (box.getAttribute("data-kinds") || box.getAttribute("data-kinds-except")).split(" ");
      var wanted = box.hasAttribute("data-kinds") ? listed.indexOf(kind) !== -1 : listed.indexOf(kind) === -1;
      box.hidden = Boolean(kind) && !wanted;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[name$='-kind']")) showForKind(target);
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusErrors(document);
    setupCounts(document);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    setupCounts(target);
    if (!focusErrors(target)) {
      var message = target.querySelector("[data-announce]");
      announce(message ? message.getAttribute("data-announce") : "");
    }
  });
})();
