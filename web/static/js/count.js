// Live length of the reply draft, counted the way the server lints it (X: weighted, links count 23; Mastodon:
// the status as posted, see responder/posters/mastodon_status.py).
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

  // Mastodon's own patterns, as in mastodon_status.py (Python's \w is [\p{L}\p{N}_]).
  const MASTODON_LINK = /https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]}'`]/giu;
  const MASTODON_MENTION = new RegExp(String.raw`(?<![=/\p{L}\p{N}_])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)`
    + String.raw`(?:@([\p{L}\p{N}_.-]+[\p{L}\p{N}_]))?`, "giu");

  function mastodonCounted(text) {
    const shortened = text.replace(MASTODON_LINK, "x".repeat(URL_WEIGHT)).replace(MASTODON_MENTION, "@$1");
    return [...shortened].length;
  }

  function mentions(text, user, domain) {
    for (const match of text.matchAll(MASTODON_MENTION)) {
      if (match[1].toLowerCase() === user.toLowerCase() && (match[2] || "").toLowerCase() === domain.toLowerCase()) {
        return true;
      }
    }
    return false;
  }

  // The reply leads with the author's @mention unless it has it, and repeats the original's content warning.
  function mastodonLength(text, data) {
    const user = data.mentionUser || "";
    const domain = data.mentionDomain || "";
    const prefix = user && !mentions(text, user, domain) ? `@${user}${domain ? `@${domain}` : ""} ` : "";
    return (Number.parseInt(data.warningLength, 10) || 0) + mastodonCounted(prefix + text);
  }

  function measure(text, data) {
    if (data.mastodon === "true") {
      return mastodonLength(text, data);
    }
    return data.weighted === "true" ? weightedLength(text) : [...text].length;
  }

  function update(textarea) {
    const output = document.getElementById(textarea.dataset.countTarget);
    if (!output) {
      return;
    }
    const text = textarea.value.replace(/\r\n/g, "\n").trim();
    const used = measure(text, output.dataset);
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
