// Pulse answering page: "x of n answered" as statements are answered.
// The form works without this script; it only adds the progress line.
(() => {
  const form = document.querySelector("[data-pulse-form]");
  if (!form) return;
  const progress = form.querySelector("[data-progress]");
  const bar = progress.querySelector("progress");
  const count = progress.querySelector("[data-answered]");
  const questions = Array.from(form.querySelectorAll("fieldset[data-item]"));
  const update = () => {
    let answered = 0;
    questions.forEach((question) => {
      const done = question.querySelector("input:checked") !== null;
      question.classList.toggle("is-answered", done);
      if (done) {
        answered += 1;
        // An answer given after the form came back clears that statement's error.
        question.classList.remove("has-error");
        const error = question.querySelector(".error");
        if (error) error.hidden = true;
      }
    });
    count.textContent = answered;
    bar.value = answered;
  };
  progress.hidden = false;
  form.addEventListener("change", update);
  update();
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
