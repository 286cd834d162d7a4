// Copy buttons: <button data-copy="input-id"> copies the input's value.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copy);
  if (!input) return;
  input.select();
  const status = document.querySelector("[data-copy-status]");
  const done = () => { if (status) status.textContent = button.dataset.copied || "✓"; };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(input.value).then(done, () => document.execCommand("copy") && done());
  } else if (document.execCommand("copy")) {
    done();
  }
});
