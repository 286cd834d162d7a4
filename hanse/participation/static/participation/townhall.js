// Town halls: the question list follows the room live (hanse/participation/live.py).
// `townhall.votes` carries the open questions' counts (one push per quarter second while
// votes come in): the list reorders itself at once (pinned first, then upvotes, then oldest first), with no request. `townhall.changed`
// (a new, approved, answered, merged or pinned question) fetches the block again over HTTP,
// unless the person is typing in it; then after they leave it.
(() => {
  "use strict";
  if (window.HanseTownHall) return;
  window.HanseTownHall = true;

  const key = (li) => [
    -Number(li.dataset.pinned || 0),
    -Number(li.dataset.votes || 0),
    Number(li.dataset.age || 0),
  ];
  const before = (a, b) => {
    const ka = key(a), kb = key(b);
    for (let i = 0; i < ka.length; i += 1) if (ka[i] !== kb[i]) return ka[i] < kb[i];
    return false;
  };

  function reorder(list) {
    const items = [...list.children];
    const sorted = [...items].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    if (sorted.every((li, i) => li === items[i])) return;
    const focused = document.activeElement;
    sorted.forEach((li) => list.appendChild(li));
    if (focused && list.contains(focused)) focused.focus();
  }

  // `counts`: [[question id, upvotes], ...] of the open questions, after one or more votes.
  function votes(event) {
    const lists = new Set();
    (event.counts || []).forEach(([id, count]) => {
      const item = document.getElementById(`thq-${id}`);
      if (!item || item.dataset.votes === String(count)) return;
      item.dataset.votes = String(count);
      const shown = item.querySelector("[data-count]");
      if (shown) shown.textContent = String(count);
      const list = item.closest("[data-th-open]");
      if (list) lists.add(list);
    });
    lists.forEach(reorder);
  }

  const waiting = new Set();
  function refresh(block) {
    if (!block || !window.htmx) return;
    if (block.contains(document.activeElement) && document.activeElement.matches("textarea, select, input")) {
      if (!waiting.has(block.id)) {
        waiting.add(block.id);
        block.addEventListener("focusout", () => {
          waiting.delete(block.id);
          setTimeout(() => refresh(document.getElementById(block.id)), 50);
        }, { once: true });
      }
      return;
    }
    htmx.trigger(block, "townhall-changed");
  }

  // The presenter view shows counts too: it fetches again, at most once a second.
  let presenterTimer = null;
  function presenterSoon() {
    if (presenterTimer) return;
    presenterTimer = setTimeout(() => {
      presenterTimer = null;
      refresh(document.getElementById("presenter-live"));
    }, 1000);
  }

  function blocks() {
    return ["th-questions", "presenter-live"].map((id) => document.getElementById(id)).filter(Boolean);
  }

  function start() {
    if (!window.HanseLive) return;
    HanseLive.on("townhall.votes", (event) => {
      votes(event);
      if (document.getElementById("presenter-live")) presenterSoon();
    });
    HanseLive.on("townhall.changed", () => blocks().forEach(refresh));
    HanseLive.on("reconnected", () => blocks().forEach(refresh));
    HanseLive.on("resync", () => blocks().forEach(refresh));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
