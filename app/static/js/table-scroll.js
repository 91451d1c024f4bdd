// A table wider (or, for .metric-values, taller) than its box scrolls inside its .table-wrap; a
// sample file scrolls inside its <pre>: make that box a
// named, focusable region so keyboard users can scroll it too (WCAG 2.1.1; axe
// scrollable-region-focusable). Wrappers that fit get no extra tab stop.
(function () {
  function label(wrap) {
    const caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    let node = wrap.previousElementSibling;
    while (node && !/^H[1-6]$/.test(node.tagName)) node = node.previousElementSibling;
    return node ? node.textContent.trim() : "Table";
  }
  function update() {
    document.querySelectorAll(".table-wrap, pre").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1 || wrap.scrollHeight > wrap.clientHeight + 1) {
        if (wrap.dataset.scrollRegion) return;
        wrap.dataset.scrollRegion = "true";
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap) + " (scrolls)");
      } else if (wrap.dataset.scrollRegion) {
        delete wrap.dataset.scrollRegion;
        ["tabindex", "role", "aria-label"].forEach(function (name) { wrap.removeAttribute(name); });
      }
    });
  }
  let pending = null;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(update);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
