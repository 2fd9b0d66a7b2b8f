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
    // The inbox's pane may have opened another mention since the page loaded: say goodbye to the one open now.
    const current = document.getElementById("presence");
    if (!current || !current.dataset.leaveUrl) {
      return;
    }
    const form = new FormData();
    form.append("csrf_token", token.value);
    navigator.sendBeacon(current.dataset.leaveUrl, form);
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

// The inbox (queue page). A card is a link to its mention page; on a wide screen htmx opens it in the detail pane
// instead and pushes the list's URL with open=<id> (the server shows the same list and mention on a reload, and
// the back button reloads the previous one). Narrow screens, and pages without the pane, follow the link.
const WIDE_INBOX = "(min-width: 1100px)";

function openMention() {
  const marker = document.querySelector("#detail-pane [data-open-mention]");
  return marker ? marker.dataset.openMention : null;
}

function openMentionsInPane() {
  document.body.addEventListener("htmx:confirm", (event) => {
    const link = event.target.closest && event.target.closest("[data-mention-link]");
    if (!link) {
      return;
    }
    if (!document.getElementById("detail-pane") || !window.matchMedia(WIDE_INBOX).matches) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "detail-pane") {
      return;
    }
    const open = event.detail.requestConfig && event.detail.requestConfig.elt;
    for (const card of document.querySelectorAll("[data-mention-card].is-open")) {
      card.classList.remove("is-open");
      card.querySelector("[data-mention-link]").removeAttribute("aria-current");
    }
    const card = open && open.closest && open.closest("[data-mention-card]");
    if (card) {
      card.classList.add("is-open");
      card.querySelector("[data-mention-link]").setAttribute("aria-current", "true");
    }
    const inbox = document.querySelector("[data-inbox]");
    if (inbox) {
      inbox.classList.toggle("has-open", Boolean(openMention()));
    }
  });
  // A tab, filter or page change keeps the open mention in the URL it pushes, so a reload still shows both.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const open = openMention();
    if (open && event.detail.target && event.detail.target.id === "queue-body") {
      event.detail.parameters.open = open;
    }
  });
  // Opened from the URL: its card in sight beside it (a narrow screen shows the mention first, the list after).
  const opened = document.querySelector("[data-mention-card].is-open");
  if (opened && window.matchMedia(WIDE_INBOX).matches) {
    opened.scrollIntoView({block: "nearest"});
  }
}

// The bulk bar shows while something is selected; without this file it is always there.
function bulkBarFollowsSelection() {
  const form = document.querySelector("form[data-bulk]");
  if (!form) {
    return;
  }
  const picked = document.querySelectorAll("[data-bulk-select]:checked").length;
  form.toggleAttribute("data-bulk-idle", picked === 0);
  const count = form.querySelector("[data-bulk-count]");
  if (count) {
    count.textContent = picked === 1 ? "mention" : `${picked} mentions`;
  }
}

// The saved-reply picker: filter as you type (every word must appear in a reply's name, description or text).
function filterLists(root) {
  for (const input of root.querySelectorAll ? root.querySelectorAll("input[data-filter-list]") : []) {
    const list = document.getElementById(input.dataset.filterList);
    if (!list) {
      continue;
    }
    input.hidden = false;
    input.addEventListener("input", () => {
      const words = input.value.toLowerCase().split(/\s+/u).filter(Boolean);
      let shown = 0;
      for (const item of list.querySelectorAll("[data-filter-text]")) {
        const text = item.dataset.filterText;
        item.hidden = !words.every((word) => text.includes(word));
        shown += item.hidden ? 0 : 1;
      }
      for (const group of list.querySelectorAll("fieldset")) {
        group.hidden = !group.querySelector("[data-filter-text]:not([hidden])");
      }
      const empty = list.querySelector("[data-filter-empty]");
      if (empty) {
        empty.hidden = shown > 0;
      }
    });
  }
}

// A held approval counts its undo window down; once it is over the Undo button goes (the server decides anyway).
function countDownUndo(root) {
  for (const held of root.querySelectorAll ? root.querySelectorAll("[data-undo-seconds]") : []) {
    let left = Number.parseInt(held.dataset.undoSeconds, 10);
    const shown = held.querySelector("[data-undo-left]");
    const undo = held.querySelector("#undo-form");
    const tick = () => {
      if (!held.isConnected) {
        return;
      }
      if (shown) {
        shown.textContent = String(Math.max(left, 0));
      }
      if (left <= 0) {
        if (undo) {
          undo.replaceWith(Object.assign(document.createElement("p"), {textContent: "Posting now."}));
        }
        return;
      }
      left -= 1;
      window.setTimeout(tick, 1000);
    };
    tick();
    const button = held.querySelector("#undo-button");
    if (button) {
      button.focus();
    }
  }
}

// The full filter form is a popover (<details>): applying it, Escape or a click elsewhere closes it.
function closeFilterPopover() {
  const close = (event) => {
    for (const details of document.querySelectorAll("details.filter-more[open]")) {
      if (event.type === "submit" || event.key === "Escape" || (event.type === "click" && !details.contains(event.target))) {
        details.open = false;
      }
    }
  };
  document.addEventListener("submit", close);
  document.addEventListener("click", close);
  document.addEventListener("keydown", (event) => event.key === "Escape" && close(event));
}

function enhance(root) {
  bulkBarFollowsSelection();
  filterLists(root);
  countDownUndo(root);
}

document.addEventListener("DOMContentLoaded", () => {
  openMentionsInPane();
  closeFilterPopover();
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("[data-bulk-select]")) {
      bulkBarFollowsSelection();
    }
  });
  enhance(document);
  document.body.addEventListener("htmx:load", (event) => {
    if (event.target !== document.body) {
      enhance(event.target);
    }
  });
});
