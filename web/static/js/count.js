// Live length of the reply draft, counted the way the server lints it (X: weighted, links count 23).
"use strict";

(() => {
  const URL_PATTERN = /https?:\/\/\S+/giu;
  const URL_WEIGHT = 23;
  const LIGHT_RANGES = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];

  function weigh(text) {
    let total = 0;
    for (const char of text) {
      const point = char.codePointAt(0);
      total += LIGHT_RANGES.some(([low, high]) => point >= low && point <= high) ? 1 : 2;
    }
    return total;
  }

  function weightedLength(text) {
    const normalized = text.normalize("NFC");
    let total = 0;
    let position = 0;
    for (const match of normalized.matchAll(URL_PATTERN)) {
      total += weigh(normalized.slice(position, match.index)) + URL_WEIGHT;
      position = match.index + match[0].length;
    }
    return total + weigh(normalized.slice(position));
  }

  function update(textarea) {
    const output = document.getElementById(textarea.dataset.countTarget);
    if (!output) {
      return;
    }
    const text = textarea.value.replace(/\r\n/g, "\n").trim();
    const used = output.dataset.weighted === "true" ? weightedLength(text) : [...text].length;
    const limit = Number.parseInt(output.dataset.limit, 10);
    const over = Number.isFinite(limit) && used > limit;
    output.querySelector("[data-count]").textContent = String(used);
    output.classList.toggle("over", over);
    const note = output.querySelector("[data-over-note]");
    if (note) {
      note.textContent = over ? ` (${used - limit} over the limit)` : "";
    }
  }

  // Delegated, so editors swapped in by htmx are counted too.
  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches("textarea[data-count-target]")) {
      update(event.target);
    }
  });
})();
