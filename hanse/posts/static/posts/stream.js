// The stream's small enhancements: @mention suggestions, menus and focus after htmx swaps.
// Every page works without this file.
(() => {
  "use strict";

  // Translations come from the JavaScript catalog ({% js_catalog %} in base.html); without it
  // the English source text shows.
  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const interpolate = window.interpolate || ((fmt, obj) =>
    fmt.replace(/%\((\w+)\)s/g, (_match, key) => String(obj[key])));
  const TEXT = {
    count: (n) => interpolate(
      ngettext(
        "%(count)s suggestion. Use the arrow keys and Enter to choose.",
        "%(count)s suggestions. Use the arrow keys and Enter to choose.",
        n,
      ),
      { count: n },
      true,
    ),
    none: gettext("No suggestions."),
    label: gettext("Suggestions"),
  };

  // --- @mention autocomplete ------------------------------------------------------------
  // A textarea with data-mentions="<url>" gets a listbox of people and communities while
  // the word before the caret starts with "@". The textarea keeps focus; the active option
  // is announced through aria-activedescendant.
  const TRIGGER = /(^|[\s(>])@([\w.\-]{1,50})$/u;
  let counter = 0;

  // The community the text is written in ranks its members higher: a comment names it in
  // data-mentions-community, the composer in its "where" choice ("community:<slug>").
  function communityOf(textarea) {
    if (textarea.dataset.mentionsCommunity) return textarea.dataset.mentionsCommunity;
    const where = textarea.form ? textarea.form.elements.namedItem("where") : null;
    const value = where && "value" in where ? where.value : "";
    const [kind, slug] = value.split(":", 2);
    return kind === "community" && slug ? slug : "";
  }

  function setUp(textarea) {
    if (textarea.dataset.mentionsReady) return;
    textarea.dataset.mentionsReady = "1";
    const id = `mentions-${++counter}`;
    const wrapper = document.createElement("div");
    wrapper.className = "mentions";
    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.appendChild(textarea);
    const list = document.createElement("ul");
    list.id = id;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", TEXT.label);
    list.hidden = true;
    wrapper.appendChild(list);
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", id);

    let results = [];
    let active = -1;
    let match = null;
    let timer = null;
    let controller = null;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      results = [];
      active = -1;
      match = null;
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      list.querySelectorAll("[role=option]").forEach((option, i) => {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        if (i === index) option.scrollIntoView({ block: "nearest" });
      });
      if (index >= 0) textarea.setAttribute("aria-activedescendant", `${id}-${index}`);
      else textarea.removeAttribute("aria-activedescendant");
    }

    function choose(index) {
      const chosen = results[index];
      if (!chosen || !match) return close();
      const caret = textarea.selectionStart;
      const start = caret - match.length;
      const insert = `@${chosen.handle} `;
      textarea.setRangeText(insert, start, caret, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      close();
      textarea.focus();
    }

    function render() {
      list.replaceChildren();
      results.forEach((result, index) => {
        const option = document.createElement("li");
        option.id = `${id}-${index}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = `mention-option mention-option--${result.kind}`;
        const label = document.createElement("span");
        label.className = "mention-option__label";
        label.textContent = result.label;
        const handle = document.createElement("span");
        handle.className = "mention-option__detail";
        handle.textContent = `@${result.handle}${result.detail ? " · " + result.detail : ""}`;
        option.append(label, handle);
        option.addEventListener("mousedown", (event) => {
          event.preventDefault(); // keep the focus in the textarea
          choose(index);
        });
        list.appendChild(option);
      });
      list.hidden = results.length === 0;
      status.textContent = results.length === 0 ? TEXT.none : TEXT.count(results.length);
      highlight(results.length ? 0 : -1);
    }

    function lookUp() {
      const before = textarea.value.slice(0, textarea.selectionStart);
      const found = TRIGGER.exec(before);
      if (!found) return close();
      const query = found[2];
      match = `@${query}`;
      if (controller) controller.abort();
      controller = new AbortController();
      let url = `${textarea.dataset.mentions}?q=${encodeURIComponent(query)}`;
      const community = communityOf(textarea);
      if (community) url += `&community=${encodeURIComponent(community)}`;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: controller.signal })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => {
          results = data.results || [];
          render();
        })
        .catch(() => {});
    }

    textarea.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(lookUp, 150);
    });
    textarea.addEventListener("keydown", (event) => {
      if (list.hidden || !results.length) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % results.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + results.length) % results.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        if (active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      }
    });
    textarea.addEventListener("blur", () => setTimeout(close, 150));
  }

  function enhance(root) {
    root.querySelectorAll("textarea[data-mentions]").forEach(setUp);
  }

  // --- menus ------------------------------------------------------------------------------
  document.addEventListener("click", (event) => {
    document.querySelectorAll("details.post-menu[open]").forEach((menu) => {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.post-menu[open]").forEach((menu) => {
      menu.removeAttribute("open");
      menu.querySelector("summary")?.focus();
    });
  });

  // --- focus after htmx swaps ---------------------------------------------------------------
  // "Show older posts" and "show" (new posts) replace the element that had the focus; put
  // it on the first post that arrived, so keyboard and screen reader users carry on there.
  let focusNext = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const source = event.detail.elt;
    if (!(source instanceof Element)) return;
    if (source.matches(".feed-more__link") && document.activeElement === source) {
      const feed = source.closest(".feed");
      const known = feed ? feed.querySelectorAll(".post").length : 0;
      focusNext = () => feed?.querySelectorAll(".post")[known]?.focus();
    } else if (source.matches("[data-focus-after]")) {
      const selector = source.getAttribute("data-focus-after");
      focusNext = () => document.querySelector(selector)?.focus();
    }
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (focusNext) {
      const run = focusNext;
      focusNext = null;
      run();
    }
  });
  document.addEventListener("htmx:load", (event) => enhance(event.detail.elt));

  // --- live updates (hanse/realtime/static/realtime/live.js) ----------------------------
  // Events carry ids only. What a viewer sees of a new comment or a changed reaction bar is
  // fetched from the post's own page, which checks permissions and renders per viewer.
  const LIVE_TEXT = {
    posts: gettext("New posts are here"),
    // TRANSLATORS: a link after "New posts are here —" that shows them.
    show: gettext("show"),
  };

  function livePostPage(root) {
    const url = root.dataset.livePost;
    let timer = null;
    let running = false;

    function adopt(node, parent, before = null) {
      const copy = document.importNode(node, true);
      parent.insertBefore(copy, before);
      if (window.htmx) htmx.process(copy);
      enhance(copy);
      return copy;
    }

    async function merge() {
      if (running) return void schedule();
      running = true;
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) return;
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        // Reaction bars and the comment count; a bar being used keeps its state.
        fresh.querySelectorAll(".reactions[id]").forEach((bar) => {
          const current = document.getElementById(bar.id);
          if (current && !current.contains(document.activeElement)) {
            const copy = adopt(bar, current.parentNode, current);
            current.remove();
            void copy;
          }
        });
        fresh.querySelectorAll(".post__comments").forEach((link, index) => {
          const current = document.querySelectorAll(".post__comments")[index];
          if (current) current.textContent = link.textContent;
        });
        // New comments are added; nothing on the page is replaced, so a half-written reply
        // stays as it is.
        const section = document.getElementById("comments");
        const freshList = fresh.querySelector("#comments .comment-list");
        if (!section || !freshList) return;
        let list = section.querySelector(".comment-list");
        if (!list) {
          const empty = section.querySelector(":scope > p.muted");
          list = adopt(freshList.cloneNode(false), section, empty ? empty.nextSibling : null);
          if (empty) empty.remove();
        }
        freshList.querySelectorAll(":scope > li.comment-thread").forEach((thread) => {
          const top = thread.querySelector(":scope > article.comment");
          if (!top) return;
          const existing = document.getElementById(top.id);
          if (!existing) return void adopt(thread, list);
          const replies = thread.querySelector(":scope > .comment-replies");
          if (!replies) return;
          const home = existing.closest("li.comment-thread");
          let target = home.querySelector(":scope > .comment-replies");
          if (!target) target = adopt(replies.cloneNode(false), home, existing.nextSibling);
          replies.querySelectorAll(":scope > li").forEach((item) => {
            const reply = item.querySelector("article.comment");
            if (reply && !document.getElementById(reply.id)) adopt(item, target);
          });
        });
      } catch (error) {
        // Offline for a moment: the next event or the reconnect tries again.
      } finally {
        running = false;
      }
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(merge, 300);
    }
    HanseLive.on("comment.created", schedule);
    HanseLive.on("reaction.changed", schedule);
    HanseLive.on("reconnected", schedule);
  }

  function liveNewPosts(note) {
    // A community's page: a note with a link that reloads the stream.
    HanseLive.on("post.created", (event) => {
      if (event.topic !== note.dataset.liveTopics || event.author === HanseLive.user) return;
      if (note.childElementCount) return;
      const p = document.createElement("p");
      p.className = "feed-new__note";
      const link = document.createElement("a");
      link.href = location.pathname + location.search;
      link.textContent = LIVE_TEXT.show;
      p.append(`${LIVE_TEXT.posts} — `, link);
      note.append(p);
    });
  }

  function live() {
    if (!window.HanseLive) return;
    document.querySelectorAll("[data-live-post]").forEach(livePostPage);
    document.querySelectorAll("[data-live-new-posts]").forEach(liveNewPosts);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => {
      enhance(document);
      live();
    });
  } else {
    enhance(document);
    live();
  }
})();
