// Hanse chat in the browser: Enter sends, live delivery through REALTIME's live.js
// (window.HanseLive) when it is there, catch-up over HTTP after a reconnect, unread badges.
// Without this file (or without WebSockets) every form posts and the page reloads.
(() => {
  "use strict";
  const root = document.querySelector(".chat[data-chat-user]");
  if (!root) return;
  const me = root.dataset.chatUser;
  const channelId = root.dataset.chatChannel || null;
  const isAdmin = root.dataset.chatAdmin === "1";
  const log = document.querySelector("[data-chat-log]");

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function csrf() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Live renderings are the same for every person and language (hanse/chat/rendering.py):
  // their labels are the source texts, marked data-i18n*, translated here from the page's
  // catalog (djangojs, {% js_catalog %}), and their time is written in the page's format.
  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const interpolate = window.interpolate || ((text) => text);
  const getFormat = window.get_format || ((name) => name);
  const pad = (n) => String(n).padStart(2, "0");

  // Django's date format characters that its locales use for SHORT_DATETIME_FORMAT, applied to
  // the wall-clock time the server wrote (the ISO text of <time datetime>, in its time zone).
  function formatTime(iso) {
    const p = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso);
    if (!p) return null;
    const [Y, m, d, H, i, s] = p.slice(1).map(Number);
    const g = H % 12 || 12;
    const a = H < 12 ? gettext("a.m.") : gettext("p.m.");
    const P = () => {
      if (i === 0 && H === 0) return gettext("midnight");
      if (i === 0 && H === 12) return gettext("noon");
      return `${i === 0 ? g : `${g}:${pad(i)}`} ${a}`;
    };
    const parts = {
      d: () => pad(d), j: () => String(d), m: () => pad(m), n: () => String(m),
      Y: () => String(Y), y: () => pad(Y % 100), H: () => pad(H), G: () => String(H),
      h: () => pad(g), g: () => String(g), i: () => pad(i), s: () => pad(s),
      a: () => a, A: () => (H < 12 ? "AM" : "PM"), P,
    };
    const format = getFormat("SHORT_DATETIME_FORMAT");
    let out = "";
    for (let k = 0; k < format.length; k++) {
      const c = format[k];
      if (c === "\\") out += format[++k] || "";
      else out += parts[c] ? parts[c]() : c;
    }
    return out;
  }

  // Django's filesizeformat, in the page's language.
  function fileSize(bytes) {
    const units = [["KB", 1024], ["MB", 1024 ** 2], ["GB", 1024 ** 3], ["TB", 1024 ** 4], ["PB", 1024 ** 5]];
    if (bytes < 1024) {
      const text = interpolate(ngettext("%(size)d byte", "%(size)d bytes", bytes), { size: bytes }, true);
      return text.replace(/ /g, "\u00a0");
    }
    let [unit, size] = units[units.length - 1];
    for (let k = 0; k < units.length - 1; k++) {
      if (bytes < units[k + 1][1]) { [unit, size] = units[k]; break; }
    }
    const number = (Math.round((bytes / size) * 10) / 10).toFixed(1).replace(".", getFormat("DECIMAL_SEPARATOR"));
    return `${number}\u00a0${unit}`;
  }

  function localise(scope) {
    scope.querySelectorAll("[data-i18n]").forEach((el) => {
      el.textContent = gettext(el.textContent.trim());
      el.removeAttribute("data-i18n");
    });
    scope.querySelectorAll("[data-i18n-title]").forEach((el) => {
      el.title = gettext(el.title);
      el.removeAttribute("data-i18n-title");
    });
    scope.querySelectorAll("[data-i18n-confirm]").forEach((el) => {
      el.setAttribute("hx-confirm", gettext(el.getAttribute("hx-confirm")));
      el.removeAttribute("data-i18n-confirm");
    });
    scope.querySelectorAll("[data-i18n-replies]").forEach((el) => {
      const n = Number(el.dataset.i18nReplies);
      el.textContent = interpolate(ngettext("%(counter)s reply", "%(counter)s replies", n), { counter: n }, true);
      el.removeAttribute("data-i18n-replies");
    });
    scope.querySelectorAll("[data-i18n-size]").forEach((el) => {
      el.textContent = fileSize(Number(el.dataset.i18nSize));
      el.removeAttribute("data-i18n-size");
    });
    scope.querySelectorAll("time[data-i18n-time]").forEach((el) => {
      const text = formatTime(el.getAttribute("datetime"));
      if (text) el.textContent = text;
      el.removeAttribute("data-i18n-time");
    });
  }

  // Live renderings are the same for everybody: show the viewer's own controls here.
  function personalise(scope) {
    scope.querySelectorAll(".chat-msg").forEach((msg) => {
      const own = msg.dataset.author === me;
      msg.querySelectorAll("[data-own-only]").forEach((el) => (el.hidden = !own));
      msg.querySelectorAll("[data-own-or-admin]").forEach((el) => (el.hidden = !(own || isAdmin)));
      msg.querySelectorAll("form.chat-reactions, form[data-own-or-admin]").forEach((form) => {
        if (!form.querySelector("input[name=csrfmiddlewaretoken]")) {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = "csrfmiddlewaretoken";
          input.value = csrf();
          form.prepend(input);
        }
      });
      msg.querySelectorAll("[data-reactors]").forEach((button) => {
        const ids = button.dataset.reactors ? button.dataset.reactors.split(",") : [];
        button.setAttribute("aria-pressed", ids.includes(me) ? "true" : "false");
      });
    });
    if (window.htmx) htmx.process(scope);
  }

  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function newestId() {
    return Number(log ? log.dataset.newest || 0 : 0);
  }

  function nearBottom() {
    return log && log.scrollHeight - log.scrollTop - log.clientHeight < 120;
  }

  function scrollDown() {
    if (log) log.scrollTop = log.scrollHeight;
  }

  let readTimer = null;
  function markRead() {
    if (!channelId || document.hidden) return;
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      const id = newestId();
      if (!id) return;
      if (window.HanseLive && HanseLive.connected) {
        HanseLive.send({ action: "read", channel: Number(channelId), last_read_id: id }).catch(() => {});
      } else {
        const body = new URLSearchParams({ last_read_id: String(id) });
        fetch(`/chat/${channelId}/read/`, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": csrf() },
          credentials: "same-origin",
        }).catch(() => {});
      }
    }, 500);
  }

  // Put a message in its place: replace a known one, else append (dedupe by id).
  function place(event) {
    const existing = document.getElementById(`m-${event.id}`);
    const element = fragment(event.html);
    if (!element) return;
    localise(element);
    if (existing) {
      existing.replaceWith(element);
      personalise(element.parentElement || document);
      // The same message may also show as a thread's first message.
      return;
    }
    if (event.op !== "created") return;
    let target = null;
    if (event.parent) {
      const thread = document.querySelector(`[data-thread="${event.parent}"] [data-thread-log]`);
      target = thread;
    } else {
      target = log;
    }
    if (!target) return;
    const stick = nearBottom();
    const empty = target.querySelector(".chat-empty");
    if (empty) empty.remove();
    target.appendChild(element);
    personalise(element.parentElement);
    if (!event.parent && log) {
      log.dataset.newest = String(Math.max(newestId(), Number(event.id)));
      if (stick || event.author == me) scrollDown();
      markRead();
    }
  }

  function setBadge(entryId, count) {
    const link = document.querySelector(`[data-chat-entry="${entryId}"]`);
    if (!link) return;
    const badge = link.querySelector("[data-chat-count]");
    if (!badge) return;
    const text = badge.firstChild;
    text.nodeValue = String(count);
    badge.hidden = count <= 0;
    link.classList.toggle("is-unread", count > 0 && link.dataset.muted !== "1");
  }

  function badgeCount(entryId) {
    const link = document.querySelector(`[data-chat-entry="${entryId}"] [data-chat-count]`);
    return link ? Number(link.firstChild.nodeValue) || 0 : 0;
  }

  function bumpHeader(delta) {
    const link = document.querySelector("[data-chat-unread]");
    if (!link) return;
    const count = Math.max(0, Number(link.dataset.chatUnread || 0) + delta);
    link.dataset.chatUnread = String(count);
    let badge = link.querySelector(".chat-badge");
    if (!badge && count > 0) {
      badge = document.createElement("span");
      badge.className = "badge chat-badge";
      link.append(" ", badge);
    }
    if (badge) {
      badge.textContent = String(count);
      badge.hidden = count === 0;
    }
  }

  function otherChannelMessage(channel, authorId) {
    if (String(channel) === channelId || String(authorId) === me) return;
    const link = document.querySelector(`[data-chat-entry="${channel}"]`);
    setBadge(channel, badgeCount(channel) + 1);
    if (!link || link.dataset.muted !== "1") bumpHeader(1);
  }

  async function catchUp() {
    if (!channelId || !log) return;
    let after = newestId();
    for (let round = 0; round < 20; round++) {
      const response = await fetch(`/chat/${channelId}/messages/?after=${after}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const data = await response.json();
      for (const m of data.messages) place({ ...m, op: "created", channel: data.channel });
      if (!data.has_more || !data.messages.length) return;
      after = data.messages[data.messages.length - 1].id;
    }
  }

  // --- composer ---------------------------------------------------------------------------
  function showError(form, text) {
    const box = form.querySelector("[data-chat-error]");
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
  }

  function bindComposer(form) {
    if (form.dataset.bound) return;
    form.dataset.bound = "1";
    const textarea = form.querySelector("textarea");
    const clientId = form.querySelector("[data-client-id]");
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", (event) => {
      // One id per message: a resend after a lost answer is recognised by the server.
      if (!clientId.value) clientId.value = uuid();
      const files = form.querySelector("input[type=file]");
      const live = window.HanseLive && HanseLive.connected;
      if (!live || (files && files.files.length)) return; // plain form post
      event.preventDefault();
      const body = textarea.value.trim();
      if (!body) return;
      const parent = form.querySelector("input[name=parent]");
      showError(form, "");
      HanseLive.send({
        action: "send",
        channel: Number(channelId),
        body,
        client_id: clientId.value,
        parent: parent ? Number(parent.value) : null,
      })
        .then(() => {
          textarea.value = "";
          clientId.value = "";
        })
        .catch((error) => showError(form, error.message));
    });
  }

  function bindAll(scope) {
    scope.querySelectorAll("[data-chat-composer]").forEach(bindComposer);
  }

  // --- thread pane -------------------------------------------------------------------------
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "thread-pane") {
      target.hidden = false;
      target.closest(".chat-body")?.classList.add("chat-body--thread");
      bindAll(target);
      personalise(target);
      target.querySelector("textarea")?.focus();
    } else if (target && target.id === "chat-older") {
      personalise(log);
    }
  });
  document.addEventListener("click", (event) => {
    const close = event.target.closest("[data-thread-close]");
    if (!close) return;
    const pane = document.getElementById("thread-pane");
    if (!pane) return;
    event.preventDefault();
    pane.hidden = true;
    pane.innerHTML = "";
    pane.closest(".chat-body")?.classList.remove("chat-body--thread");
  });

  // --- start ------------------------------------------------------------------------------
  bindAll(document);
  if (log) {
    const unread = document.getElementById("first-unread");
    if (unread && !location.hash) unread.scrollIntoView({ block: "start" });
    else if (!location.hash) scrollDown();
  }
  document.addEventListener("visibilitychange", markRead);

  if (window.HanseLive) {
    // Topic names come from the page ({% topic %}, hanse/realtime/topics.py), never built here.
    const ownTopic = root.dataset.liveTopic || null;
    const topics = [...document.querySelectorAll("[data-chat-entry][data-live-topic]")].map(
      (el) => el.dataset.liveTopic
    );
    if (ownTopic) topics.push(ownTopic);
    HanseLive.subscribe([...new Set(topics)]);
    HanseLive.on("chat.message", (event) => {
      if (String(event.channel) === channelId) place(event);
      else if (event.op === "created" && !event.parent) otherChannelMessage(event.channel, event.author);
    });
    HanseLive.on("chat.unread", (event) => {
      // Direct messages arrive here too when their topic is not subscribed on this page.
      if (!document.querySelector(`[data-chat-entry="${event.channel}"]`)) bumpHeader(1);
    });
    HanseLive.on("chat.read", (event) => {
      if (String(event.channel) === channelId) return;
      const before = badgeCount(event.channel);
      setBadge(event.channel, 0);
      const link = document.querySelector(`[data-chat-entry="${event.channel}"]`);
      if (before && (!link || link.dataset.muted !== "1")) bumpHeader(-before);
    });
    HanseLive.on("chat.topic", (event) => {
      if (String(event.channel) !== channelId) return;
      const el = document.querySelector("[data-chat-topic]");
      if (el && el.firstChild) el.firstChild.nodeValue = event.topic + " ";
    });
    HanseLive.on("reconnected", () => catchUp());
    HanseLive.on("subscribed", (event) => {
      if (ownTopic && (event.topics || []).includes(ownTopic)) catchUp();
    });
    HanseLive.on("revoked", (event) => {
      if (ownTopic && event && event.topic === ownTopic) location.reload();
    });
  }
})();

// The conversation search: the clear button shows while the field has text, empties it and
// gives the focus back (Escape in the field does the same in the browser).
(() => {
  "use strict";
  document.querySelectorAll(".chat-search").forEach((form) => {
    const input = form.querySelector("input[type=search]");
    const clear = form.querySelector("[data-search-clear]");
    if (!input || !clear) return;
    const sync = () => (clear.hidden = input.value === "");
    input.addEventListener("input", sync);
    clear.addEventListener("click", () => {
      input.value = "";
      sync();
      input.focus();
    });
    sync();
  });
})();
