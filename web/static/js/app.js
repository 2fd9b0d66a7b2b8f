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

// The sources form: a collector that reads one network sets it (the server does the same without this file).
function followCollectorNetwork() {
  const network = document.querySelector("select[data-follows]");
  const collector = network && document.getElementById(network.dataset.follows);
  if (!collector) {
    return;
  }
  const follow = () => {
    const reads = collector.selectedOptions[0] ? collector.selectedOptions[0].dataset.network : "";
    if (reads) {
      network.value = reads;
    }
    network.disabled = Boolean(reads);
  };
  collector.addEventListener("change", follow);
  follow();
}

// The mention page says when it goes away, so colleagues stop seeing this viewer at once; coming back (the
// back/forward cache) counts as viewing again.
function reportPresence() {
  const presence = document.getElementById("presence");
  const token = document.querySelector('input[name="csrf_token"]');
  if (!presence || !presence.dataset.leaveUrl || !token || !navigator.sendBeacon) {
    return;
  }
  window.addEventListener("pagehide", () => {
    const form = new FormData();
    form.append("csrf_token", token.value);
    navigator.sendBeacon(presence.dataset.leaveUrl, form);
  });
  window.addEventListener("pageshow", (event) => {
    const current = document.getElementById("presence");
    if (event.persisted && current && window.htmx) {
      window.htmx.trigger(current, "presence-refresh");
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  enableCopyButtons();
  reportRequestErrors();
  followCollectorNetwork();
  reportPresence();
});
