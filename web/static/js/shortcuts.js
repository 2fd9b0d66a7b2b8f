// Keyboard shortcuts; every one has a mouse and plain-form equivalent. Press ? for the list.
"use strict";

(() => {
  const TYPING = /^(INPUT|TEXTAREA|SELECT)$/;
  const LEAVE_ON_ESCAPE = new Set(["reply-text", "q"]);

  function isTyping(element) {
    return Boolean(element) && (element.isContentEditable || TYPING.test(element.tagName));
  }

  function cards() {
    return Array.from(document.querySelectorAll("[data-mention-card]"));
  }

  function currentIndex(list) {
    const marked = list.findIndex((card) => card.classList.contains("is-current"));
    const focused = marked >= 0 ? marked : list.findIndex((card) => card.contains(document.activeElement));
    return focused >= 0 ? focused : list.findIndex((card) => card.classList.contains("is-open"));
  }

  function move(step) {
    const list = cards();
    if (list.length === 0) {
      return false;
    }
    const index = currentIndex(list);
    const next = index < 0 ? 0 : Math.min(list.length - 1, Math.max(0, index + step));
    list.forEach((card) => card.classList.remove("is-current"));
    list[next].classList.add("is-current");
    list[next].querySelector("[data-mention-link]").focus();
    return true;
  }

  function openCurrent() {
    const list = cards();
    const index = currentIndex(list);
    if (index < 0) {
      return false;
    }
    list[index].querySelector("[data-mention-link]").click();  // htmx opens it beside the list on a wide screen
    return true;
  }

  function focusById(id) {
    const element = document.getElementById(id);
    if (!element) {
      return false;
    }
    element.focus();
    return true;
  }

  function clickById(id) {
    const element = document.getElementById(id);
    if (!element || element.disabled) {
      return false;
    }
    // htmx wires up what it swaps in when the swap settles, a few milliseconds later; a key pressed before that
    // would submit the plain form instead (for Approve: posted at once, no undo window). Processing twice is a no-op.
    if (window.htmx) {
      window.htmx.process(element);
    }
    element.click();
    return true;
  }

  function openHelp() {
    const dialog = document.getElementById("shortcut-help");
    if (!dialog || dialog.open) {
      return false;
    }
    dialog.showModal();
    return true;
  }

  const ACTIONS = {
    j: () => move(1),
    k: () => move(-1),
    o: openCurrent,
    Enter: openCurrent,
    e: () => focusById("reply-text"),
    a: () => clickById("approve-button"),  // with JavaScript: approved with an undo window (app.js counts it down)
    u: () => clickById("undo-button"),
    z: () => clickById("undo-button"),
    r: () => focusById("reject-note"),
    "/": () => focusById("q"),
    "?": openHelp,
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (isTyping(event.target)) {
      if (event.key === "Escape" && LEAVE_ON_ESCAPE.has(event.target.id)) {
        // Back to shortcuts without leaving the page. In the search box Escape would also clear the query, and
        // its input event would reload the list under the next key pressed: the query stays.
        event.preventDefault();
        event.target.blur();
      }
      return;
    }
    if (document.querySelector("dialog[open]")) {
      return;
    }
    // Enter on a link or button keeps its own meaning.
    if (event.key === "Enter" && event.target.closest && event.target.closest("a, button")) {
      return;
    }
    const action = ACTIONS[event.key];
    if (action && action()) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    for (const button of document.querySelectorAll("[data-open-help]")) {
      button.hidden = false;
      button.addEventListener("click", openHelp);
    }
  });
})();
