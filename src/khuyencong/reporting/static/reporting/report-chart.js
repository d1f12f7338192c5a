/* The chart of a standard report (its page and a published version): bars of the series in
   #kc-chart-data (labels, series, unit), numbers as the page's language writes them; hidden when there are none. */
(function () {
  var data = JSON.parse(document.getElementById("kc-chart-data").textContent);
  var box = document.getElementById("kc-chart");
  if (!data.labels || !data.labels.length) { box.style.display = "none"; return; }
  var chart = echarts.init(box);
  var fmt = function (v) { return window.kcFormat(v, 3); };
  var many = data.labels.length > 4;
  var colors = ["#0b4f8a", "#9ec5fe", "#f0ad4e", "#6c757d"];
  chart.setOption({
    tooltip: {trigger: "axis", valueFormatter: fmt},
    legend: {top: 0, data: data.series.map(function (s) { return s.name; })},
    grid: {left: 70, right: 20, top: 50, bottom: many ? 120 : 40},
    xAxis: {type: "category", data: data.labels,
            axisLabel: {rotate: many ? 30 : 0, interval: 0, width: 160, overflow: "truncate"}},
    yAxis: {type: "value", name: data.unit, axisLabel: {formatter: fmt}},
    series: data.series.map(function (s, i) {
      return {name: s.name, type: "bar", barMaxWidth: 48, data: s.data, itemStyle: {color: colors[i % colors.length]}};
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
