// Polls on post cards: when someone votes, the poll's block is fetched again over HTTP
// (hanse/participation/live.py pushes `poll.changed` with the poll's id only). A block the
// person is using (focus inside it) is left alone until they are done.
(() => {
  "use strict";
  if (window.HansePolls) return;
  window.HansePolls = true;

  function refresh(block) {
    if (!block || !window.htmx || block.contains(document.activeElement)) return;
    htmx.trigger(block, "poll-changed");
  }

  function start() {
    if (!window.HanseLive) return;
    HanseLive.on("poll.changed", (event) => refresh(document.getElementById(`poll-${event.id}`)));
    HanseLive.on("reconnected", () => document.querySelectorAll("[data-poll]").forEach(refresh));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
