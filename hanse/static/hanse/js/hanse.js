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
