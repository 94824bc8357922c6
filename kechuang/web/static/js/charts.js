// Charts drawn from data-* attributes, so pages need no inline script.
(function () {
  // Colours come from the CSS variables (the Light palette of kechuang.choices), so there is one palette.
  var css = getComputedStyle(document.documentElement);
  function cssVar(name) { return css.getPropertyValue(name).trim(); }
  var RED = cssVar("--light-red"), BLUE = cssVar("--blue"), GREEN = cssVar("--light-green");
  function wan(v) { return v == null ? "—" : (Math.abs(v) >= 1e8 ? (v / 1e8).toFixed(2) + "亿" : (v / 1e4).toFixed(0) + "万"); }
  function json(el, key) { return JSON.parse(el.dataset[key] || "[]"); }
  function bar(el) {
    var names = json(el, "names"), values = json(el, "values"), hnte = json(el, "hnte");
    var series = [{ name: el.dataset.labelValues, type: "bar", data: values, itemStyle: { color: RED } }];
    if (hnte.length) { series.push({ name: el.dataset.labelHnte, type: "bar", data: hnte, itemStyle: { color: BLUE } }); }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 64 },
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function trend(el) {
    var years = json(el, "years"), revenue = json(el, "revenue"), rd = json(el, "rd"), profit = json(el, "profit");
    var ratio = revenue.map(function (r, i) { return r && rd[i] != null ? +(100 * rd[i] / r).toFixed(2) : null; });
    var d = el.dataset;
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return typeof v === "number" && Math.abs(v) > 1000 ? wan(v) + "元" : v; } },
      legend: { top: 0, data: [d.labelRevenue, d.labelRd, d.labelProfit, d.labelRatio] },
      grid: { left: 64, right: 56, top: 48, bottom: 32 },
      xAxis: { type: "category", data: years },
      yAxis: [{ type: "value", axisLabel: { formatter: wan } }, { type: "value", axisLabel: { formatter: "{value}%" } }],
      series: [
        { name: d.labelRevenue, type: "line", data: revenue, itemStyle: { color: RED } },
        { name: d.labelRd, type: "line", data: rd, itemStyle: { color: BLUE } },
        { name: d.labelProfit, type: "line", data: profit, itemStyle: { color: GREEN } },
        { name: d.labelRatio, type: "bar", yAxisIndex: 1, data: ratio, barMaxWidth: 24, itemStyle: { color: cssVar("--light-yellow") },
          tooltip: { valueFormatter: function (v) { return v == null ? "—" : v + "%"; } } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function ladder(el) {
    var names = json(el, "names"), labels = JSON.parse(el.dataset.labels || "{}");
    var series = json(el, "series").map(function (s) { return { name: labels[s.name] || s.name, type: "bar", stack: "held", data: s.data }; });
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 64 },
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" }, series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function points(el) {
    var names = json(el, "names");
    var series = json(el, "series").map(function (s) { return { name: s.name, type: "bar", stack: "points", data: s.data }; });
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: 100 }, yAxis: { type: "category", data: names }, series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function money(el) {
    var plan = json(el, "plan"), spent = json(el, "spent");
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: wan }, legend: { top: 0 },
      grid: { left: 64, right: 16, top: 32, bottom: 32 },
      xAxis: { type: "time" }, yAxis: { type: "value", axisLabel: { formatter: wan } },
      series: [
        { name: el.dataset.labelPlan, type: "line", step: "end", data: plan, symbol: "none", lineStyle: { type: "dashed" },
          markLine: { symbol: "none", data: [{ xAxis: el.dataset.today }], label: { formatter: el.dataset.today } } },
        { name: el.dataset.labelSpent, type: "line", step: "end", data: spent, itemStyle: { color: RED } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function progress(el) {
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 64, right: 16, top: 32, bottom: 32 },
      xAxis: { type: "category", data: json(el, "months") }, yAxis: { type: "value", scale: true },
      series: [
        { name: el.dataset.labelSchedule, type: "line", data: json(el, "schedule"), symbol: "none", lineStyle: { type: "dashed" }, itemStyle: { color: cssVar("--light-grey") } },
        { name: el.dataset.labelBefore, type: "line", data: json(el, "before"), itemStyle: { color: BLUE } },
        { name: el.dataset.labelNow, type: "line", data: json(el, "now"), itemStyle: { color: RED } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("#chart-ladder").forEach(ladder);
  document.querySelectorAll("#chart-progress").forEach(progress);
  document.querySelectorAll("#chart-money").forEach(money);
  document.querySelectorAll("#chart-points, .chart-stacked").forEach(points);
  document.querySelectorAll("#chart-regions, .chart-bar").forEach(bar);
  document.querySelectorAll("#chart-trend").forEach(trend);
})();
