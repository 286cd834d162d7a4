// Pictures in a wiki page's text: choose, drop or paste them while editing. Each is uploaded
// to the page (wiki:images, checked like any upload) and its Markdown, ![name](address), is
// inserted where the cursor is. Without this script the file input and the "Insert pictures"
// button work through the form alone (the pictures go to the end of the text).
(() => {
  "use strict";

  function start() {
    const box = document.querySelector("[data-wiki-images]");
    if (!box) return;
    const form = box.closest("form");
    const editor = form && form.querySelector("textarea[name=body]");
    const input = box.querySelector("input[type=file]");
    const status = box.querySelector(".wiki-images__status");
    const insertButton = box.querySelector(".wiki-images__insert");
    if (!form || !editor || !input) return;
    if (insertButton) insertButton.hidden = true; // choosing uploads at once

    function csrf() {
      const field = form.querySelector("input[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    }

    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("wiki-images__status--error", Boolean(isError));
    }

    function insert(markdown) {
      const start = editor.selectionStart ?? editor.value.length;
      const end = editor.selectionEnd ?? start;
      const before = editor.value.slice(0, start);
      const after = editor.value.slice(end);
      const lead = before && !before.endsWith("\n") ? "\n\n" : "";
      const trail = after && !after.startsWith("\n") ? "\n\n" : "\n";
      const text = lead + markdown + trail;
      editor.value = before + text + after;
      const caret = before.length + text.length;
      editor.setSelectionRange(caret, caret);
      editor.dispatchEvent(new Event("input", { bubbles: true }));
    }

    async function upload(files) {
      const images = [...files].filter((file) => file.type.startsWith("image/") || !file.type);
      if (!images.length) return;
      const data = new FormData();
      images.forEach((file) => data.append("images", file, file.name || "bild.png"));
      say(box.dataset.uploading, false);
      try {
        const response = await fetch(box.dataset.wikiImages, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
        });
        const answer = await response.json().catch(() => ({}));
        if (!response.ok || !answer.images) {
          say(answer.error || box.dataset.failed, true);
          return;
        }
        answer.images.forEach((image) => insert(image.markdown));
        say(box.dataset.inserted, false);
        editor.focus();
      } catch (error) {
        say(box.dataset.failed, true);
      }
    }

    input.addEventListener("change", () => {
      const files = [...input.files];
      input.value = ""; // the form's own save must not send them again
      upload(files);
    });
    editor.addEventListener("dragover", (event) => {
      if (event.dataTransfer && [...event.dataTransfer.types].includes("Files")) {
        event.preventDefault();
        editor.classList.add("wiki-editor--drop");
      }
    });
    editor.addEventListener("dragleave", () => editor.classList.remove("wiki-editor--drop"));
    editor.addEventListener("drop", (event) => {
      editor.classList.remove("wiki-editor--drop");
      const files = event.dataTransfer ? event.dataTransfer.files : null;
      if (files && files.length) {
        event.preventDefault();
        upload(files);
      }
    });
    editor.addEventListener("paste", (event) => {
      const files = event.clipboardData ? [...event.clipboardData.files] : [];
      if (files.length) {
        event.preventDefault();
        upload(files);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
