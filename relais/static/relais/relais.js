// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  for (const button of document.querySelectorAll("[data-back]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.history.back());
  }
  // A text with a limit shows how much is left, and is never cut: over the limit, the form says so
  // and is not sent, so the text stays where the writer can shorten it.
  for (const area of document.querySelectorAll("textarea[data-max-chars]")) {
    const max = Number(area.dataset.maxChars);
    const counter = document.getElementById(area.dataset.counter);
    if (!counter) continue;
    const template = counter.dataset.template;
    const over = counter.dataset.over;
    const update = () => {
      const count = area.value.length;
      const tooLong = count > max;
      counter.textContent = (tooLong ? over : template)
        .replace("{count}", count.toLocaleString())
        .replace("{max}", max.toLocaleString())
        .replace("{extra}", (count - max).toLocaleString());
      counter.classList.toggle("over", tooLong);
      area.setAttribute("aria-invalid", tooLong ? "true" : "false");
      return tooLong;
    };
    counter.hidden = false;
    update();
    area.addEventListener("input", update);
    area.form?.addEventListener("submit", (event) => {
      if (update()) {
        event.preventDefault();
        area.focus();
      }
    });
  }
});
