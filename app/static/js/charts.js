// Draws every <div data-chart='{"data": ..., "layout": ...}'> with the locally served plotly.js.
(function () {
  function draw(el) {
    const spec = JSON.parse(el.dataset.chart);
    // On a phone the toolbar would sit on the plot: only show it where there is room, and on hover.
    const narrow = window.matchMedia("(max-width: 48rem)").matches;
    const config = {
      responsive: true,
      displaylogo: false,
      displayModeBar: narrow ? false : "hover",
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
    };
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
