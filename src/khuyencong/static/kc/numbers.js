/* Numbers written as the page's language writes them, as the server writes them in the tables:
   1.234.567,5 in Vietnamese, 1,234,567.5 in English. Loaded on every page (base.html), before the
   pages' own scripts (charts, live totals). */
window.kcFormat = function (value, digits) {
  var english = (document.documentElement.lang || "vi").indexOf("en") === 0;
  return Number(value).toLocaleString(english ? "en-GB" : "vi-VN", {
    maximumFractionDigits: digits === undefined ? 3 : digits
  });
};
