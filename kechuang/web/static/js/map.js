// One map component for every map page: ECharts geo on the vendored county-level GeoJSON (served by
// kechuang itself: no tiles, no CDN). The page holds the view as JSON (<script type="application/json">);
// areas are shaded by the view's measure, points come in series (colour by category, size from the
// server), approximate points (a district's centre) are drawn hollow with a dashed rim, and a point
// with a panel URL loads that panel beside the map when clicked.
(function () {
  var geoCache = {};
  function loadGeo(url) {
    if (!geoCache[url]) { geoCache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }); }
    return geoCache[url];
  }
  function only(geojson, names) {
    var keep = {};
    names.forEach(function (n) { keep[n] = true; });
    return { type: "FeatureCollection", features: geojson.features.filter(function (f) { return keep[f.properties.name]; }) };
  }
  function tooltip(p, view) {
    if (p.seriesType === "map") {
      var area = (view.areas || []).filter(function (a) { return a.name === p.name; })[0];
      return p.name + "<br>" + view.measure.label + "：" + (area ? area.display : "—");
    }
    var raw = (p.data && p.data.raw) || {};
    var lines = [raw.name || p.name];
    if (raw.level) { lines.push(p.seriesName + " · " + raw.level); }
    if (view.kind === "carriers") { lines.push("在孵企业 " + raw.value + " 家"); }
    if (view.kind === "industry") { lines.push("营业收入 " + raw.value + " 亿元"); }
    if (view.kind === "apartments") { lines.push("房源 " + raw.value + " 套，已入住 " + raw.occupied + " 套（" + raw.rate + "%）"); }
    if (raw.approximate) { lines.push("近似位置（区县中心）"); }
    return lines.join("<br>");
  }
  function points(s) {
    return s.points.map(function (p) {
      var style = p.approximate
        ? { color: "rgba(255,255,255,0.6)", borderColor: s.colour, borderWidth: 2, borderType: "dashed" }
        : { color: s.colour, borderColor: "#101828", borderWidth: 0.5 };
      return { name: p.name, value: [p.lng, p.lat, p.value], symbolSize: p.size, itemStyle: style, raw: p };
    });
  }
  function option(view, mapName) {
    var values = (view.areas || []).map(function (a) { return a.value; }).filter(function (v) { return v != null; });
    var max = values.length ? Math.max.apply(null, values) : 1;
    var series = [{
      type: "map", map: mapName, geoIndex: 0, name: view.measure.label,
      data: (view.areas || []).map(function (a) { return { name: a.name, value: a.value }; })
    }];
    (view.series || []).forEach(function (s) {
      series.push({ type: "scatter", coordinateSystem: "geo", name: s.label, data: points(s), itemStyle: { color: s.colour }, emphasis: { scale: 1.4 }, zlevel: 1 });
    });
    return {
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) { return tooltip(p, view); } },
      legend: { top: 4, left: 8, data: (view.series || []).filter(function (s) { return s.points.length; }).map(function (s) { return s.label; }) },
      visualMap: {
        type: "continuous", seriesIndex: 0, min: 0, max: max > 0 ? max : 1, left: 8, bottom: 8,
        text: [view.measure.label + "（" + view.measure.unit + "）", ""], calculable: false,
        inRange: { color: ["#f2f4f7", "#9aa4b2", "#475467"] }
      },
      geo: {
        map: mapName, roam: true, top: 48, bottom: 24,
        label: { show: true, color: "#101828", fontSize: 12 },
        itemStyle: { areaColor: "#f2f4f7", borderColor: "#344054", borderWidth: 1 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#d0d5dd" } }
      },
      series: series
    };
  }
  function openPanel(url, target, chart) {
    if (!url || !target) { return; }
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      target.innerHTML = html;
      target.hidden = false;
      if (chart) { chart.resize(); }  // the panel narrows the map: redraw it to its new width
    });
  }
  function draw(el) {
    var view = JSON.parse(document.getElementById(el.dataset.map).textContent);
    var mapName = "kc-" + el.id;
    loadGeo(el.dataset.geo).then(function (geojson) {
      echarts.registerMap(mapName, only(geojson, (view.areas || []).map(function (a) { return a.name; })));
      var chart = echarts.init(el);
      chart.setOption(option(view, mapName));
      el.dataset.ready = "1";
      var panel = el.dataset.panel ? document.getElementById(el.dataset.panel) : null;
      chart.on("click", function (p) { if (p.data && p.data.raw && p.data.raw.panel) { openPanel(p.data.raw.panel, panel, chart); } });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.querySelectorAll("[data-map]").forEach(draw);
  document.querySelectorAll("[data-open-panel]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      openPanel(a.getAttribute("href"), document.getElementById(a.dataset.openPanel));
    });
  });
})();
