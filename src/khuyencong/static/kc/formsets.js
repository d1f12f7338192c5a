// Formsets: add rows from the <template>, and live totals of money and percentage columns.
(function () {
  function parseMoney(text) {
    var digits = String(text || "").replace(/[^0-9]/g, "");
    return digits ? parseInt(digits, 10) : 0;
  }
  function format(n) { return window.kcFormat(n, 0); }
  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.getAttribute("data-formset");
    var total = box.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var rows = box.querySelector("[data-rows]");
    var template = box.querySelector("template[data-empty]");
    function recompute() {
      box.querySelectorAll("[data-total]").forEach(function (cell) {
        var name = cell.getAttribute("data-total");
        var sum = 0;
        rows.querySelectorAll("[name$='-" + name + "']").forEach(function (input) {
          var row = input.closest("[data-row]");
          var del = row && row.querySelector("[name$='-DELETE']");
          if (del && del.checked) return;
          sum += cell.hasAttribute("data-percent") ? (parseFloat(String(input.value).replace(",", ".")) || 0) : parseMoney(input.value);
        });
        cell.textContent = cell.hasAttribute("data-percent") ? window.kcFormat(sum, 2) + " %" : format(sum);
        cell.classList.toggle("text-danger", cell.hasAttribute("data-percent") && sum > 0 && Math.abs(sum - 100) > 0.001);
      });
    }
    box.addEventListener("input", recompute);
    box.addEventListener("change", recompute);
    var add = box.querySelector("[data-add]");
    if (add && template) {
      add.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        rows.insertAdjacentHTML("beforeend", html);
        total.value = index + 1;
        if (window.htmx) { window.htmx.process(rows.lastElementChild); }
      });
    }
    recompute();
  });
})();
