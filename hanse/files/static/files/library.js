// The library's drop zone: files dropped on it go into the form's file input, which is then
// sent. Without JavaScript the plain file input (several files at once) does the same.
document.querySelectorAll("[data-dropzone]").forEach((zone) => {
  const form = zone.closest("form");
  const input = form && form.querySelector('input[type="file"]');
  if (!input) return;
  const list = zone.querySelector("[data-chosen]");
  const show = () => {
    if (!list) return;
    list.textContent = Array.from(input.files).map((f) => f.name).join(", ");
  };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((name) =>
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("dropzone--over");
    }),
  );
  ["dragleave", "drop"].forEach((name) =>
    zone.addEventListener(name, () => zone.classList.remove("dropzone--over")),
  );
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    show();
    form.requestSubmit();
  });
});
