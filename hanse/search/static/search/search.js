// The header search box: suggestions while typing, as a WAI-ARIA combobox with a listbox.
// Without this file the box is a plain search form that opens the results page.
(() => {
  "use strict";

  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const interpolate = window.interpolate || ((fmt, obj) =>
    fmt.replace(/%\((\w+)\)s/g, (_match, key) => String(obj[key])));
  const MIN_CHARS = 2;
  const DELAY_MS = 150;

  function setUp(form) {
    const input = form.querySelector("[role=combobox]");
    const listbox = form.querySelector("[role=listbox]");
    const popup = listbox.parentElement;
    const status = form.querySelector("[data-search-status]");
    const url = form.dataset.suggestUrl;
    let timer = null;
    let controller = null;
    let active = -1;
    let dismissed = false; // closed with Escape: no answer reopens the list
    let shownFor = null;

    const options = () => Array.from(listbox.querySelectorAll("[role=option]"));

    function open() {
      popup.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function setActive(index) {
      const all = options();
      all.forEach((option) => option.setAttribute("aria-selected", "false"));
      if (index < 0 || all.length === 0) {
        active = -1;
        input.removeAttribute("aria-activedescendant");
        return;
      }
      active = (index + all.length) % all.length;
      const option = all[active];
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    function announce(count) {
      // Only the suggestions (not "all results") are counted.
      status.textContent = count
        ? interpolate(
            ngettext(
              "%(count)s suggestion. Use the arrow keys and Enter to choose.",
              "%(count)s suggestions. Use the arrow keys and Enter to choose.",
              count,
            ),
            { count },
            true,
          )
        : gettext("No suggestions.");
    }

    async function load() {
      const text = input.value.trim();
      if (text.length < MIN_CHARS) {
        if (controller) controller.abort();
        listbox.replaceChildren();
        shownFor = null;
        status.textContent = "";
        close();
        return;
      }
      if (text === shownFor) {
        open();
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      let html;
      try {
        const response = await fetch(`${url}?q=${encodeURIComponent(text)}`, {
          signal: controller.signal,
          headers: { "HX-Request": "true" },
          credentials: "same-origin",
        });
        if (!response.ok) return;
        html = await response.text();
      } catch (_error) {
        return; // aborted by newer typing, or offline: the form still submits
      }
      if (input.value.trim() !== text) return;
      // The server escaped every value; the markup is our template's.
      listbox.innerHTML = html;
      shownFor = text;
      setActive(-1);
      announce(options().filter((o) => o.id !== "header-q-opt-all").length);
      // A list the person closed with Escape stays closed until they type or ask for it again,
      // even when a slower answer arrives afterwards.
      if (document.activeElement === input && !dismissed) open();
    }

    function go(option) {
      if (option && option.dataset.href) window.location.assign(option.dataset.href);
    }

    input.addEventListener("input", () => {
      dismissed = false;
      clearTimeout(timer);
      timer = setTimeout(load, DELAY_MS);
    });

    input.addEventListener("keydown", (event) => {
      const expanded = !popup.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!expanded) {
            dismissed = false;
            load().then(() => setActive(0));
          } else {
            setActive(active + 1);
          }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (expanded) setActive(active - 1);
          break;
        case "Home":
        case "End":
          if (expanded && active >= 0) {
            event.preventDefault();
            setActive(event.key === "Home" ? 0 : options().length - 1);
          }
          break;
        case "Escape":
          clearTimeout(timer);
          dismissed = true;
          if (expanded) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            listbox.replaceChildren();
            shownFor = null;
          }
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();
            go(options()[active]);
          }
          // Otherwise the form submits: the results page for what was typed.
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("focus", () => {
      if (shownFor && shownFor === input.value.trim()) open();
    });
    input.addEventListener("blur", () => {
      // A click on an option lands before the list goes.
      setTimeout(() => {
        if (document.activeElement !== input) close();
      }, 150);
    });
    // A press anywhere in the list (an option, the scroll bar, the padding) keeps the focus
    // in the box.
    popup.addEventListener("mousedown", (event) => event.preventDefault());
    listbox.addEventListener("click", (event) => {
      go(event.target.closest("[role=option]"));
    });
    listbox.addEventListener("mousemove", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) setActive(options().indexOf(option));
    });
  }

  function start() {
    document.querySelectorAll("form[data-suggest-url]").forEach(setUp);
    // The results page's filters start folded on narrow screens, so the results come first.
    if (window.matchMedia("(max-width: 900px)").matches) {
      document.querySelectorAll("details[data-fold-narrow]").forEach((details) => {
        details.open = false;
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
