// Draws every <div data-chart='{"data": ..., "layout": ...}'> with the locally served plotly.js.
(function () {
  function draw(el) {
    const spec = JSON.parse(el.dataset.chart);
    const config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
    window.Plotly.newPlot(el, spec.data, spec.layout, config);
    el.dataset.drawn = "true";
  }
  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
