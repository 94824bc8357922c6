// The chain graph: Cytoscape with preset positions (three stage lanes) from data-graph; a click on a
// node loads its panel (enterprises, key items, projects) through htmx.
(function () {
  var el = document.getElementById("chain-graph");
  if (!el || typeof cytoscape === "undefined") { return; }
  var graph = JSON.parse(el.dataset.graph);
  var region = el.dataset.region || "";
  // Level colours come from the CSS variables (kechuang.choices.Level), so there is one palette.
  var css = getComputedStyle(document.documentElement);
  function cssVar(name) { return css.getPropertyValue(name).trim(); }
  var COLORS = {};
  ["strong", "present", "weak", "missing"].forEach(function (k) { COLORS[k] = cssVar("--level-" + k); });
  var cy = cytoscape({
    container: el,
    elements: graph.elements,
    layout: { name: "preset", fit: true, padding: 24 },
    minZoom: 0.3, maxZoom: 2.5, wheelSensitivity: 0.2,
    style: [
      { selector: "node", style: {
        "shape": "round-rectangle", "width": 150, "height": 40, "label": "data(label)",
        "text-wrap": "wrap", "text-max-width": 140, "font-size": 13, "text-valign": "center", "text-halign": "center",
        "background-color": function (n) { return COLORS[n.data("level")] || COLORS.missing; },
        "color": function (n) { return (n.data("level") === "strong" || n.data("level") === "present") ? "#fff" : "#222"; },
        "border-width": function (n) { return n.data("level") === "missing" ? 2 : 0; },
        "border-style": "dashed", "border-color": cssVar("--light-red"),
        "font-family": "Noto Sans CJK SC, sans-serif" } },
      { selector: "node[sub = 1]", style: { "width": 130, "height": 32, "font-size": 12 } },
      { selector: "node.lane", style: {
        "shape": "rectangle", "width": 150, "height": 30, "background-color": "#f2f4f7", "color": "#444",
        "font-weight": "bold", "border-width": 0, "events": "no" } },
      { selector: "node:selected", style: { "border-width": 3, "border-style": "solid", "border-color": "#1d4ed8" } },
      { selector: "edge", style: {
        "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#9aa4b2",
        "target-arrow-color": "#9aa4b2", "width": function (e) { return 1 + 4 * (e.data("weight") || 0); },
        "opacity": 0.8 } }
    ]
  });
  cy.on("tap", "node", function (evt) {
    var node = evt.target;
    if (node.data("lane")) { return; }
    var url = "/atlas/nodes/" + node.id() + "?region=" + encodeURIComponent(region);
    if (window.htmx) { window.htmx.ajax("GET", url, { target: "#node-panel" }); } else { window.location = url; }
  });
  window.kechuangChainGraph = cy;
})();
