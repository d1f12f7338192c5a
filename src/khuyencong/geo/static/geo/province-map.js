/* Province maps: draws every <figure data-kc-province-map="ID"> that the province_map template tag
   renders (geo/templatetags/province_maps.py), with ECharts (vendor/echarts) and the vendored
   boundaries (geo/maps/*.geojson). The figures, their formatted labels and the texts come from the
   JSON script whose id is the attribute's value; the page's table holds the same figures. */
(function () {
  "use strict";
  if (window.kcProvinceMaps) { return; }
  var boundaries = {};  // url → promise of the GeoJSON
  var COLOURS = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

  function formatNumber(value, cfg) {
    var parts = Number(value).toFixed(cfg.decimals).split(".");
    var negative = parts[0].charAt(0) === "-";
    var whole = (negative ? parts[0].slice(1) : parts[0]).replace(/\B(?=(\d{3})+(?!\d))/g, cfg.thousands);
    return (negative ? "-" : "") + whole + (parts[1] ? cfg.decimal + parts[1] : "");
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  function load(url) {
    if (!boundaries[url]) {
      boundaries[url] = fetch(url, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) { throw new Error(url + ": " + response.status); }
        return response.json();
      });
    }
    return boundaries[url];
  }

  function visualMap(cfg, geo) {
    var common = {left: 8, bottom: 8, inRange: {color: COLOURS}, seriesIndex: 0,
                  textStyle: {fontSize: 12}};
    if (cfg.scale === "piecewise" && geo.pieces.length) {
      return Object.assign(common, {
        type: "piecewise",
        pieces: geo.pieces.map(function (p) { return {min: p.min, max: p.max, label: p.label}; })
      });
    }
    // one value only (a province seeing its own figure): scaled from 0, so it shows in the
    // strongest colour, not the palest
    var single = !(geo.max > geo.min) && geo.max > 0;
    return Object.assign(common, {
      type: "continuous",
      min: single ? 0 : geo.min,
      max: geo.max > geo.min || single ? geo.max : geo.min + 1,
      text: [geo.maxLabel || cfg.text.high, single ? formatNumber(0, cfg) : geo.minLabel || cfg.text.low],
      calculable: false,
      itemHeight: 120,
      formatter: function (value) { return formatNumber(value, cfg); }
    });
  }

  // the Hoàng Sa and Trường Sa archipelagos: a dot per main island, the archipelago's name once
  function archipelagos(cfg) {
    var data = [];
    (cfg.archipelagos || []).forEach(function (group) {
      group.islands.forEach(function (island) {
        data.push({name: island.name, coord: island.coord, symbolSize: 4, label: {show: false}});
      });
      data.push({name: group.name, coord: group.label, symbolSize: 0,
                 label: {show: true, formatter: group.name, color: "#212529", fontSize: 11}});
    });
    return {
      symbol: "circle",
      silent: false,
      itemStyle: {color: "#6c757d"},
      label: {position: "inside"},
      tooltip: {formatter: function (item) { return escapeHtml(item.name); }},
      data: data
    };
  }

  function draw(figure) {
    var source = document.getElementById(figure.getAttribute("data-kc-province-map"));
    var canvas = figure.querySelector("[data-kc-map-canvas]");
    if (!source || !canvas || typeof echarts === "undefined") { return; }
    var cfg = JSON.parse(source.textContent);
    var chart = echarts.init(canvas, null, {renderer: "svg"});
    var buttons = figure.querySelectorAll("[data-kc-geography]");
    var tables = figure.querySelectorAll("[data-kc-geography-table]");

    function show(key) {
      var geo = cfg.geographies[key];
      if (!geo) { return; }
      buttons.forEach(function (button) {
        var on = button.getAttribute("data-kc-geography") === key;
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.classList.toggle("btn-primary", on);
        button.classList.toggle("btn-outline-primary", !on);
      });
      tables.forEach(function (table) { table.hidden = table.getAttribute("data-kc-geography-table") !== key; });
      // a page form that keeps the geography (e.g. the map page's) follows the buttons
      document.querySelectorAll("[data-kc-geography-input]").forEach(function (input) { input.value = key; });
      load(geo.url).then(function (geojson) {
        var mapName = "kc-vn-" + key;
        if (!echarts.getMap(mapName)) { echarts.registerMap(mapName, geojson); }
        var rows = {};
        geo.rows.forEach(function (row) { rows[row.code] = row; });
        var names = {};
        geo.noData.forEach(function (row) { names[row.code] = row.name; });
        chart.setOption({
          tooltip: {
            trigger: "item",
            formatter: function (item) {
              var row = rows[item.name];
              var name = row ? row.name : (names[item.name] || item.name);
              var figureText = row ? escapeHtml(row.label) + " " + escapeHtml(cfg.unit) : escapeHtml(cfg.text.noData);
              return "<strong>" + escapeHtml(name) + "</strong><br>" + figureText;
            }
          },
          visualMap: visualMap(cfg, geo),
          series: [{
            type: "map",
            map: mapName,
            nameProperty: "code",
            roam: true,
            scaleLimit: {min: 1, max: 8},
            layoutCenter: ["50%", "50%"],
            layoutSize: "98%",
            boundingCoords: cfg.bounds,
            markPoint: archipelagos(cfg),
            label: {show: false},
            select: {disabled: true},
            itemStyle: {areaColor: "#e9ecef", borderColor: "#6c757d", borderWidth: 0.5},
            emphasis: {label: {show: false}, itemStyle: {areaColor: "#ffc107"}},
            data: geo.rows.map(function (row) { return {name: row.code, value: row.value}; })
          }]
        }, true);
        figure.setAttribute("data-kc-map-ready", key);
      }).catch(function () {
        canvas.textContent = cfg.text.failed;
        canvas.classList.add("p-3", "text-danger");
      });
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () { show(button.getAttribute("data-kc-geography")); });
    });
    window.addEventListener("resize", function () { chart.resize(); });
    show(cfg.initial);
  }

  function start() {
    document.querySelectorAll("[data-kc-province-map]").forEach(draw);
  }

  window.kcProvinceMaps = {formatNumber: formatNumber};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
