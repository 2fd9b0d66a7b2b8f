// Progressive enhancement only: every page works without this file.
"use strict";

function enableCopyButtons() {
  if (!navigator.clipboard) {
    return;
  }
  for (const button of document.querySelectorAll("button[data-copy-target]")) {
    const target = document.getElementById(button.dataset.copyTarget);
    const status = button.parentElement.querySelector(".copy-status");
    if (!target) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(target.value);
        if (status) status.textContent = "Copied.";
      } catch (error) {
        target.select();
        if (status) status.textContent = "Copy failed; the text is selected, press Ctrl+C.";
      }
    });
  }
}

document.addEventListener("DOMContentLoaded", enableCopyButtons);
