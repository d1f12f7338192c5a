/* The dashboard's charts: execution month by month (this year against last year) and funds by
   content. Loaded after ECharts (the province map on the same page loads it, deferred). */
(function () {
  "use strict";
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var fmt = function (v) {
    if (v === null || v === undefined || v === "-") { return "–"; }
    return window.kcFormat(v, 1);
  };
  function draw(node, option) {
    var chart = echarts.init(node);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    node.setAttribute("data-kc-chart-ready", "true");
    return chart;
  }
  function start() {
    if (typeof echarts === "undefined") { return; }
    var months = read("kc-dash-months-data");
    var node = document.getElementById("kc-dash-months");
    if (months && node) {
      var n = months.names;
      draw(node, {
        tooltip: {trigger: "axis", valueFormatter: fmt},
        legend: {top: 0, data: [n.plan, n.paid, n.settled, n.last_plan, n.last_paid]},
        grid: {left: 70, right: 20, top: 60, bottom: 30},
        xAxis: {type: "category", data: months.labels},
        yAxis: {type: "value", name: months.unit, axisLabel: {formatter: fmt}},
        series: [
          {name: n.plan, type: "line", step: "end", data: months.plan, itemStyle: {color: "#0b4f8a"}, lineStyle: {width: 3}},
          {name: n.paid, type: "bar", barMaxWidth: 22, data: months.paid, itemStyle: {color: "#6ea8fe"}},
          {name: n.settled, type: "bar", barMaxWidth: 22, data: months.settled, itemStyle: {color: "#198754"}},
          {name: n.last_plan, type: "line", step: "end", data: months.last_plan, itemStyle: {color: "#adb5bd"}, lineStyle: {type: "dashed"}},
          {name: n.last_paid, type: "line", data: months.last_paid, itemStyle: {color: "#fd7e14"}, lineStyle: {type: "dashed"}}
        ]
      });
    }
    var contents = read("kc-dash-contents-data");
    node = document.getElementById("kc-dash-contents");
    if (contents && node && contents.labels.length) {
      var c = contents.names;
      draw(node, {
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: fmt},
        legend: {top: 0, data: [c.plan, c.paid, c.executed]},
        grid: {left: 150, right: 20, top: 40, bottom: 30},
        yAxis: {type: "category", data: contents.labels, inverse: true,
                axisLabel: {width: 140, overflow: "truncate"}},
        xAxis: {type: "value", name: contents.unit, nameLocation: "middle", nameGap: 22,
                axisLabel: {formatter: fmt, hideOverlap: true}},
        series: [
          {name: c.plan, type: "bar", data: contents.plan, itemStyle: {color: "#0b4f8a"}},
          {name: c.paid, type: "bar", data: contents.paid, itemStyle: {color: "#6ea8fe"}},
          {name: c.executed, type: "bar", data: contents.executed, itemStyle: {color: "#198754"}}
        ]
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
