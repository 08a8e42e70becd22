/* The home pages' charts, drawn by Apache ECharts (static/vendor/echarts, `make vendor`).
   Each chart's figures come from a JSON block the server writes with json_script (no
   inline script, so the page keeps working under a Content-Security-Policy); labels are
   already in the page's language. SVG rendering keeps the charts sharp when printed. A
   click on a bar opens the chart's list. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var PALETTE = ["#1d5fbf", "#e8590c", "#2b8a3e", "#f59f00", "#7048e8", "#868e96", "#0c8599", "#c2255c", "#5c940d"];
  var charts = [];

  function base(data) {
    return {
      color: PALETTE,
      animation: false,
      textStyle: { fontFamily: "system-ui, 'PingFang SC', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', sans-serif" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { show: data.series.length > 1, top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: data.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true }
    };
  }

  function categoryAxis(data) {
    var many = data.categories.length > 8;
    return { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: many ? 40 : 0, fontSize: 11 } };
  }

  function pyramid(data) {
    var option = base(data);
    option.tooltip.formatter = function (items) {
      return items[0].axisValue + "<br>" + items.map(function (i) { return i.marker + i.seriesName + " " + Math.abs(i.value); }).join("<br>");
    };
    var most = Math.max.apply(null, [1].concat(data.series[0].data, data.series[1].data));
    option.xAxis = { type: "value", min: -most, max: most, axisLabel: { formatter: function (v) { return Math.abs(v); } } };
    option.yAxis = { type: "category", data: data.categories, axisTick: { show: false } };
    option.series = data.series.map(function (s, index) {
      return {
        name: s.name, type: "bar", stack: "total", barCategoryGap: "15%",
        data: s.data.map(function (v) { return index === 0 ? -v : v; }),
        label: { show: false }
      };
    });
    return option;
  }

  function bars(data, stacked) {
    var option = base(data);
    var cat = categoryAxis(data), val = { type: "value", axisLabel: { formatter: "{value}" + (data.unit === "%" ? "%" : "") } };
    if (data.horizontal) { cat.axisLabel.rotate = 0; cat.inverse = true; option.yAxis = cat; option.xAxis = val; } else { option.xAxis = cat; option.yAxis = val; }
    option.series = data.series.map(function (s) {
      return {
        name: s.name, type: "bar", stack: stacked ? "total" : undefined, data: s.data,
        label: { show: !stacked && data.series.length === 1, position: data.horizontal ? "right" : "top", fontSize: 11 }
      };
    });
    return option;
  }

  function line(data) {
    var option = base(data);
    option.tooltip = { trigger: "axis" };
    option.xAxis = categoryAxis(data);
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = data.series.map(function (s) {
      return { name: s.name, type: "line", data: s.data, connectNulls: true, symbolSize: 6 };
    });
    return option;
  }

  function optionFor(data) {
    if (data.kind === "pyramid") { return pyramid(data); }
    if (data.kind === "line") { return line(data); }
    return bars(data, data.kind === "stacked");
  }

  document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    // Nothing to draw: no figure at all, or only zero counts (a rate of 0 % is a figure).
    var empty = data.series.every(function (s) {
      return s.data.every(function (v) { return v === null || (v === 0 && data.unit !== "%"); });
    });
    if (!data.categories.length || empty) {
      el.classList.add("chart-empty");
      el.textContent = el.getAttribute("data-empty") || "";
      el.setAttribute("data-drawn", "1");
      return;
    }
    if (data.horizontal) { el.style.height = Math.max(320, data.categories.length * 26 + 70) + "px"; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(optionFor(data));
    var href = el.getAttribute("data-href");
    if (href) { chart.on("click", function () { window.location.href = href; }); }
    el.setAttribute("data-drawn", "1");
    charts.push(chart);
  });

  function resize() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
