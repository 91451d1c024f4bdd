// Survey builder: keep the count of statements and minutes in step with the ticks.
// The page works without it; the server shows the count it saved.
(() => {
  const form = document.querySelector("[data-survey-builder]");
  if (!form) return;
  const count = form.querySelector("[data-statement-count]");
  const minutes = form.querySelector("[data-minute-count]");
  const tooLong = form.querySelector("[data-too-long]");
  const limit = Number(tooLong.dataset.limit);
  const update = () => {
    let statements = 0;
    form.querySelectorAll("input[data-statements]:checked").forEach((box) => {
      statements += Number(box.dataset.statements);
    });
    // A statement of one's own counts once, in however many languages it is written.
    form.querySelectorAll("[data-custom-row]").forEach((row) => {
      const texts = row.querySelectorAll("input[data-custom-text]");
      if (Array.from(texts).some((input) => input.value.trim())) statements += 1;
    });
    count.textContent = statements;
    // As the server counts: ten seconds a statement, to the nearest minute.
    const estimate = Math.max(1, Math.floor((statements * 10 + 30) / 60));
    minutes.textContent = estimate;
    tooLong.hidden = estimate <= limit;
  };
  form.addEventListener("change", update);
  form.addEventListener("input", update);
})();
