// Small progressive enhancements; every page works without this file.
document.addEventListener("click", (event) => {
  // Close the account menu when clicking elsewhere.
  document.querySelectorAll("details.user-menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    document.querySelectorAll("details.user-menu[open]").forEach((menu) => {
      menu.removeAttribute("open");
      menu.querySelector("summary")?.focus();
    });
  }
});
// Confirm destructive actions that carry data-confirm.
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute?.("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
// Org chart: sub-trees below the second level start collapsed; without JavaScript all is open.
document.querySelectorAll("button.orgtoggle").forEach((button) => {
  const list = document.getElementById(button.getAttribute("aria-controls"));
  if (!list) return;
  const set = (open) => {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    list.hidden = !open;
  };
  set(button.dataset.collapsed !== "true");
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
});

// Unread counts: the header's bell and chat link carry them (data-unread, data-chat-unread) and
// are refreshed by htmx on live events; the phone's bottom bar and the tab title follow them.
(() => {
  const baseTitle = document.title.replace(/^\(\d+\+?\)\s+/, "");
  function sync() {
    const bell = document.getElementById("notification-bell");
    const chat = document.querySelector("[data-chat-unread]");
    const counts = {
      notifications: bell ? Number(bell.dataset.unread || 0) : 0,
      chat: chat ? Number(chat.dataset.chatUnread || 0) : 0,
    };
    document.querySelectorAll("[data-count-mirror]").forEach((badge) => {
      const count = counts[badge.dataset.countMirror] || 0;
      badge.textContent = count > 99 ? "99+" : String(count);
      badge.hidden = count <= 0;
    });
    const total = counts.notifications + counts.chat;
    const title = total > 0 ? `(${total > 99 ? "99+" : total}) ${baseTitle}` : baseTitle;
    if (document.title !== title) document.title = title;
  }
  const header = document.querySelector(".site-header");
  if (!header) return;
  new MutationObserver(sync).observe(header, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["data-unread", "data-chat-unread"],
  });
  sync();
})();

// The bell opens a panel with the latest notifications (loaded when opened); the link still
// leads to the full list with a modifier key or without JavaScript.
(() => {
  const panel = document.getElementById("bell-panel");
  if (!panel) return;
  const bell = () => document.getElementById("notification-bell");
  let open = false;
  function setOpen(value, { focusBell = false } = {}) {
    open = value;
    panel.hidden = !value;
    const link = bell();
    if (link) link.setAttribute("aria-expanded", value ? "true" : "false");
    if (value) {
      panel.innerHTML = `<p class="muted small bell-panel__empty">…</p>`;
      fetch(link.dataset.bellPreview, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then((response) => (response.ok ? response.text() : Promise.reject(response)))
        .then((html) => {
          if (!open) return;
          panel.innerHTML = html;
          const next = panel.querySelector("input[name=next]");
          if (next) next.value = location.pathname + location.search;
          panel.querySelector("a, button")?.focus();
        })
        .catch(() => {
          if (link) location.href = link.href;
        });
    } else if (focusBell) {
      bell()?.focus();
    }
  }
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("#notification-bell");
    if (link) {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      setOpen(!open);
      return;
    }
    if (open && !panel.contains(event.target)) setOpen(false);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && open) setOpen(false, { focusBell: true });
  });
  // The bell is swapped by htmx when its count changes: keep its state.
  document.addEventListener("htmx:afterSwap", () => {
    const link = bell();
    if (link) link.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();

// The phone's "More" menu closes like the account menu.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.bottom-more[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});

// Sections that are open on wide screens and folded on narrow ones (data-fold-below="900").
document.querySelectorAll("details[data-fold-below]").forEach((details) => {
  if (window.matchMedia(`(max-width: ${details.dataset.foldBelow}px)`).matches) details.open = false;
});

// Notification settings: "all on" / "all off" per channel.
document.querySelectorAll("button[data-check-column]").forEach((button) => {
  const boxes = () => [
    ...document.querySelectorAll(`td[data-column="${button.dataset.checkColumn}"] input[type=checkbox]`),
  ];
  const label = button.querySelector(".visually-hidden");
  const refresh = () => {
    const allOn = boxes().every((box) => box.checked);
    button.firstChild.nodeValue = allOn ? button.dataset.off : button.dataset.on;
    button.dataset.target = allOn ? "off" : "on";
  };
  button.hidden = false;
  refresh();
  button.addEventListener("click", () => {
    const on = button.dataset.target === "on";
    boxes().forEach((box) => (box.checked = on));
    refresh();
  });
  boxes().forEach((box) => box.addEventListener("change", refresh));
  if (label) button.append(label);
});

// A field whose whole value is meant to be copied (a new API token) selects itself on click:
// a listener here, since the Content Security Policy allows no inline handlers.
document.addEventListener("click", (event) => {
  const field = event.target.closest && event.target.closest("[data-select-on-click]");
  if (field) field.select();
});
