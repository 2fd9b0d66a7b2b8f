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

// htmx leaves the page as it was when a request fails; say so instead of failing silently.
function reportRequestErrors() {
  const status = document.getElementById("request-status");
  if (!status) {
    return;
  }
  const show = (message) => {
    status.textContent = message;
    status.hidden = false;
  };
  document.body.addEventListener("htmx:responseError", (event) => {
    const code = event.detail.xhr ? event.detail.xhr.status : "";
    show(code === 400 ? "Those filters are not valid; check the dates and values." :
      `The request failed (${code}). Reload the page and try again.`);
  });
  document.body.addEventListener("htmx:sendError", () => show("The server could not be reached. Try again."));
  document.body.addEventListener("htmx:afterSwap", () => {
    status.hidden = true;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  enableCopyButtons();
  reportRequestErrors();
});
