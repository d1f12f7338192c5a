// The province picker: a button swaps today's 34 provinces and the 63 before 01/07/2025.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-province-toggle]");
  if (!button) return;
  var box = button.closest("[data-province-picker]");
  var select = box.querySelector("select");
  var template = box.querySelector("template");
  var shown = Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; });
  var waiting = Array.prototype.slice.call(template.content.querySelectorAll("option"));
  shown.forEach(function (o) { o.selected = false; template.content.appendChild(o); });
  waiting.forEach(function (o) { select.appendChild(o); });
  select.value = "";
  box.setAttribute("data-geography", box.getAttribute("data-geography") === "63" ? "34" : "63");
  var text = button.querySelector("span");
  var nextText = button.getAttribute("data-other-text");
  var nextTitle = button.getAttribute("data-other-title");
  button.setAttribute("data-other-text", text.textContent);
  button.setAttribute("data-other-title", button.getAttribute("title"));
  text.textContent = nextText;
  button.setAttribute("title", nextTitle);
  button.setAttribute("aria-label", nextTitle);
  select.dispatchEvent(new Event("change", {bubbles: true}));
});
