// Org chart: expand or collapse every unit, and filter the tree by a unit's or manager's name
// (matching units stay visible with the units above them, opened). hanse.js owns the toggles.
(() => {
  "use strict";

  // Translations from the JavaScript catalog ({% js_catalog %}); English without it.
  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const interpolate = window.interpolate || ((fmt, obj) =>
    fmt.replace(/%\((\w+)\)s/g, (_match, key) => String(obj[key])));
  const tree = document.querySelector(".orgtree");
  const tools = document.querySelector("[data-orgchart-tools]");
  if (!tree || !tools) return;
  tools.hidden = false;
  const input = document.getElementById("org-filter");
  const status = document.getElementById("org-filter-status");
  const items = Array.from(tree.querySelectorAll("li")).reverse(); // children before parents

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    const list = document.getElementById(button.getAttribute("aria-controls"));
    if (list) list.hidden = !open;
  }
  function toggleOf(li) {
    return li.querySelector(":scope > .orgnode-row > button.orgtoggle");
  }

  tools.querySelectorAll("[data-org-expand]").forEach((button) => {
    button.addEventListener("click", () => {
      const open = button.dataset.orgExpand === "all";
      tree.querySelectorAll("button.orgtoggle").forEach((toggle) => setOpen(toggle, open));
    });
  });

  let timer = null;
  function filter() {
    const query = input.value.trim().toLocaleLowerCase();
    if (!query) {
      items.forEach((li) => { li.hidden = false; });
      status.textContent = "";
      return;
    }
    let found = 0;
    items.forEach((li) => {
      const row = li.querySelector(":scope > .orgnode-row");
      const own = row ? row.textContent.toLocaleLowerCase().includes(query) : false;
      const below = li.querySelector(":scope > ul > li:not([hidden])") !== null;
      li.hidden = !(own || below);
      if (own) found += 1;
      const toggle = toggleOf(li);
      if (toggle && below) setOpen(toggle, true);
    });
    status.textContent = found
      ? interpolate(
        ngettext("%(count)s unit found", "%(count)s units found", found), { count: found }, true,
      )
      : gettext("No unit or manager matches.");
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(filter, 150);
  });
})();
