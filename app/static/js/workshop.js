// The facilitator's projector screen: poll the vote counts every 2 seconds and
// redraw the bars, means and disagreement marks without reloading the page.
(() => {
  // Bar heights come as data-share, not a style attribute the Content-Security-Policy blocks.
  document.querySelectorAll(".ws-fill[data-share]").forEach((fill) => {
    fill.style.setProperty("--share", `${fill.dataset.share}%`);
  });
  const screen = document.querySelector("[data-live-url]");
  if (!screen) return;
  const url = screen.dataset.liveUrl;
  const INTERVAL_MS = 2000;

  const setText = (root, field, value) => {
    const element = root.querySelector(`[data-field="${field}"]`);
    if (element && element.textContent !== String(value)) element.textContent = value;
  };

  const drawStep = (step) => {
    const card = screen.querySelector(`[data-step="${step.key}"]`);
    if (!card) return;
    step.counts.forEach((count, index) => {
      const cell = card.querySelector(`[data-count="${index + 1}"]`);
      if (!cell) return;
      cell.textContent = count;
      const fill = cell.parentElement.querySelector(".ws-fill");
      const share = step.n ? (count / step.n) * 100 : 0;
      if (fill) fill.style.setProperty("--share", `${share.toFixed(1)}%`);
    });
    setText(card, "mean", step.mean === null ? "–" : step.mean.toFixed(1));
    setText(card, "n", step.n);
    setText(card, "spread", step.spread === null ? "–" : step.spread);
    const flag = card.querySelector('[data-field="disagreement"]');
    if (flag) flag.hidden = !step.disagreement;
  };

  const draw = (state) => {
    setText(screen, "participants", state.participants);
    state.steps.forEach(drawStep);
    if (!state.open) {
      setText(screen, "status", "Voting has ended. Close the workshop to save the votes as an assessment round.");
    }
    return state.open;
  };

  const poll = async () => {
    let keepGoing = true;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.ok) keepGoing = draw(await response.json());
      else if (response.status === 401 || response.status === 403 || response.status === 404) keepGoing = false;
    } catch (error) {
      // A dropped connection (projector laptop on flaky Wi-Fi): try again next time.
    }
    if (keepGoing) window.setTimeout(poll, INTERVAL_MS);
  };

  window.setTimeout(poll, INTERVAL_MS);
})();
