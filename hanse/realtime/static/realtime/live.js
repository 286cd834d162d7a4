// Hanse live updates: one WebSocket per tab to /ws/, shared by every feature of the page.
//
//   HanseLive.subscribe(["chat:12", "post:5"])   follow topics (re-sent after a reconnect)
//   HanseLive.unsubscribe(["post:5"])
//   HanseLive.on("chat.message", (event) => …)    "*" receives everything; also "open",
//                                                  "reconnected", "revoked", "error", "closed"
//   HanseLive.send({action: "send", channel, body, parent}) -> Promise(ack)
//
// Messages are acknowledged only after the server stored them. A send without an
// acknowledgement is sent again after a reconnect with the same client_id; the server
// recognises it and answers with the stored id, so nothing is stored twice. Events the tab has
// already seen (same type and id) are dropped. After a reconnect pages fetch what they missed
// over HTTP ("reconnected"); so do they when the server says it may have missed events
// ("resync" frame, e.g. after its Redis subscription was restored).
//
// Declarative hooks, no page code needed:
//   data-live-topics="feed company"          subscribe to these topics
//   data-live-on="post.created counter:notifications"
//       the element receives the DOM event "hanse-live" when such an event arrives (debounced)
//       and after every reconnect; with htmx, hx-trigger="hanse-live" refreshes it.
//
// The page works without this file; on a page without hooks it only keeps counters fresh.
(() => {
  "use strict";
  if (window.HanseLive || !("WebSocket" in window)) return;

  const MIN_DELAY = 1000;
  const MAX_DELAY = 30000;
  const SEEN_PER_TOPIC = 2000;
  const CLOSE_SIGNED_OUT = 4401;

  const wanted = new Set();

  const granted = new Set(); // topics the server confirmed
  const listeners = new Map();
  const pending = new Map(); // client_id -> {message, resolve, reject}
  const seen = new Map(); // topic -> Set of "type:id"
  let socket = null;
  let attempt = 0;
  let everOpened = false;
  let stopped = false;
  let retryTimer = null;
  let heartbeatTimer = null;
  let lastInput = Date.now();
  let me = null;

  function emit(type, event) {
    for (const key of [type, "*"]) {
      for (const fn of listeners.get(key) || []) {
        try {
          fn(event);
        } catch (error) {
          console.error(error);
        }
      }
    }
    notifyElements(type, event);
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function write(obj) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(obj));
      return true;
    }
    return false;
  }

  // Only "created" events can arrive twice (two topics, or a resend); edits must get through.
  function duplicate(event) {
    if (event.id === undefined || (event.op && event.op !== "created")) return false;
    const topic = event.topic || "";
    const key = `${event.type}:${event.id}`;
    let keys = seen.get(topic);
    if (!keys) seen.set(topic, (keys = new Set()));
    if (keys.has(key)) return true;
    // A post announced on several topics (community, author, tag) counts once.
    if (event.type === "post.created") {
      for (const other of seen.values()) if (other.has(key)) return true;
    }
    keys.add(key);
    if (keys.size > SEEN_PER_TOPIC) keys.delete(keys.values().next().value);
    return false;
  }

  function handle(frame) {
    switch (frame.type) {
      case "hello": {
        me = frame.user;
        const reconnect = everOpened;
        everOpened = true;
        attempt = 0;
        startHeartbeat(frame.heartbeat || 25);
        if (wanted.size) write({ action: "subscribe", topics: [...wanted] });
        for (const entry of pending.values()) write(entry.message);
        emit("open", frame);
        if (reconnect) emit("reconnected", frame);
        return;
      }
      case "ack": {
        const entry = pending.get(frame.client_id);
        if (entry) {
          pending.delete(frame.client_id);
          entry.resolve(frame);
        }
        emit("ack", frame);
        return;
      }
      case "error": {
        const entry = frame.client_id && pending.get(frame.client_id);
        if (entry) {
          pending.delete(frame.client_id);
          entry.reject(Object.assign(new Error(frame.message), frame));
        }
        emit("error", frame);
        return;
      }
      case "subscribed":
        // Events of a topic flow only from here on: pages catch up over HTTP on this event
        // for whatever happened between loading the page and the subscription.
        for (const topic of frame.topics || []) granted.add(topic);
        emit("subscribed", frame);
        return;
      case "resync":
        // The server may have missed events for this tab (its Redis subscription broke):
        // catch up over HTTP as after a reconnect.
        emit("reconnected", frame);
        return;
      case "revoked":
        wanted.delete(frame.topic);
        granted.delete(frame.topic);
        emit("revoked", frame);
        return;
      default:
        if (duplicate(frame)) return;
        emit(frame.type, frame);
    }
  }

  function startHeartbeat(seconds) {
    clearInterval(heartbeatTimer);
    heartbeatTimer = setInterval(() => {
      const active = document.visibilityState === "visible" && Date.now() - lastInput < 5 * 60000;
      write({ action: "heartbeat", active });
    }, seconds * 1000);
  }

  function connect() {
    if (stopped) return;
    clearTimeout(retryTimer);
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    try {
      socket = new WebSocket(`${scheme}://${location.host}/ws/`);
    } catch (error) {
      scheduleRetry();
      return;
    }
    socket.onmessage = (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      if (frame && typeof frame === "object") handle(frame);
    };
    socket.onclose = (close) => {
      clearInterval(heartbeatTimer);
      granted.clear();
      socket = null;
      emit("closed", { code: close.code });
      if (close.code === CLOSE_SIGNED_OUT) {
        stopped = true; // signed out: reconnecting would not help
        return;
      }
      scheduleRetry();
    };
  }

  // Exponential backoff from 1 s to 30 s with jitter, so that after a server restart the
  // browsers of a whole bank do not all come back in the same second.
  function scheduleRetry() {
    if (stopped) return;
    const ceiling = Math.min(MAX_DELAY, MIN_DELAY * 2 ** attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    attempt += 1;
    retryTimer = setTimeout(connect, delay);
  }

  // --- declarative hooks ------------------------------------------------------------------
  const debounce = new WeakMap();

  function matches(spec, type, event) {
    return spec.split(/\s+/).some((pattern) => {
      if (!pattern) return false;
      if (pattern === type) return true;
      const [kind, name] = pattern.split(":");
      return kind === type && event && event.counter === name;
    });
  }

  function poke(element, detail) {
    clearTimeout(debounce.get(element));
    debounce.set(
      element,
      setTimeout(() => element.dispatchEvent(new CustomEvent("hanse-live", { detail })), 250)
    );
  }

  function notifyElements(type, event) {
    if (["open", "closed", "ack", "error", "*"].includes(type)) return;
    document.querySelectorAll("[data-live-on]").forEach((element) => {
      if (type === "reconnected" || matches(element.dataset.liveOn, type, event)) {
        if (event && event.author !== undefined && event.author === me && type === "post.created")
          return; // one's own new post is on the page already
        poke(element, event);
      }
    });
  }

  function scan(root) {
    const topics = [];
    const scope = root && root.querySelectorAll ? root : document;
    const found = [...scope.querySelectorAll("[data-live-topics]")];
    if (scope.matches && scope.matches("[data-live-topics]")) found.push(scope);
    found.forEach((el) => topics.push(...el.dataset.liveTopics.split(/\s+/).filter(Boolean)));
    if (topics.length) api.subscribe(topics);
  }

  // --- the public API ---------------------------------------------------------------------
  const api = {
    subscribe(topics) {
      const fresh = topics.filter((topic) => !wanted.has(topic));
      fresh.forEach((topic) => wanted.add(topic));
      if (fresh.length) write({ action: "subscribe", topics: fresh });
    },
    unsubscribe(topics) {
      topics.forEach((topic) => wanted.delete(topic));
      write({ action: "unsubscribe", topics });
    },
    on(type, fn) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type).add(fn);
      return () => listeners.get(type).delete(fn);
    },
    send(obj) {
      if (obj.action !== "send") {
        return write(obj) ? Promise.resolve() : Promise.reject(new Error("offline"));
      }
      const message = { ...obj, client_id: obj.client_id || uuid() };
      return new Promise((resolve, reject) => {
        pending.set(message.client_id, { message, resolve, reject });
        write(message); // or after the next connect
      });
    },
    get connected() {
      return Boolean(socket && socket.readyState === WebSocket.OPEN);
    },
    isSubscribed(topic) {
      return granted.has(topic);
    },
    get user() {
      return me;
    },
  };
  window.HanseLive = api;

  for (const name of ["keydown", "pointerdown", "scroll"]) {
    addEventListener(name, () => (lastInput = Date.now()), { passive: true, capture: true });
  }
  document.addEventListener("htmx:afterSettle", (event) => scan(event.target));
  const start = () => {
    scan(document);
    connect();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
