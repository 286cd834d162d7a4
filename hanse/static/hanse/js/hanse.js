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
