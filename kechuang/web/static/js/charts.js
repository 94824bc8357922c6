// Charts drawn from data-* attributes, so pages need no inline script.
(function () {
  function bar(el) {
    var names = JSON.parse(el.dataset.names || "[]");
    var values = JSON.parse(el.dataset.values || "[]");
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: {},
      grid: { left: 48, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: values, itemStyle: { color: "#b3261e" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("#chart-regions").forEach(bar);
})();
