/* Web push on this device.
 *
 * On every page: register the service worker (/sw.js) and, when this browser already has a
 * push subscription, check once per tab that it still belongs to the person signed in (on a
 * shared branch PC the server drops a colleague's subscription, and the browser's copy is
 * removed too). Logging out turns push off for this device.
 *
 * On the notification settings page: the "Enable/Disable push notifications on this device"
 * buttons in the element with data-push-device.
 */
(function () {
  "use strict";

  // The settings page loads this file too, in case the base layout already does: run once.
  if (window.hansePushLoaded || !("serviceWorker" in navigator)) {
    return;
  }
  window.hansePushLoaded = true;
  const script = document.currentScript;
  const base = (script && script.dataset.pushBase) || "/notifications/push/";
  const urls = {
    key: base + "key/",
    subscribe: base + "subscribe/",
    unsubscribe: base + "unsubscribe/",
  };
  const SYNCED = "hanse.push.synced";
  const supported = "PushManager" in window && "Notification" in window;

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      keepalive: Boolean(keepalive),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    const raw = atob(padded);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  const ready = navigator.serviceWorker
    .register("/sw.js", { scope: "/" })
    .then(() => navigator.serviceWorker.ready);

  function currentSubscription() {
    if (!supported) {
      return Promise.resolve(null);
    }
    return ready.then((registration) => registration.pushManager.getSubscription());
  }

  function subscribe() {
    return Notification.requestPermission().then((permission) => {
      if (permission !== "granted") {
        throw new Error(permission);
      }
      return fetch(urls.key, { credentials: "same-origin" })
        .then((response) => {
          if (!response.ok) {
            throw new Error("unavailable");
          }
          return response.json();
        })
        .then((data) =>
          ready.then((registration) =>
            registration.pushManager.subscribe({
              userVisibleOnly: true,
              applicationServerKey: keyBytes(data.publicKey),
            }),
          ),
        )
        .then((subscription) =>
          post(urls.subscribe, subscription.toJSON()).then((response) => {
            if (response.status !== 201) {
              subscription.unsubscribe();
              throw new Error("refused");
            }
            sessionStorage.setItem(SYNCED, subscription.endpoint);
            return subscription;
          }),
        );
    });
  }

  function unsubscribe(keepalive) {
    return currentSubscription().then((subscription) => {
      if (!subscription) {
        return null;
      }
      sessionStorage.removeItem(SYNCED);
      return post(urls.unsubscribe, { endpoint: subscription.endpoint }, keepalive)
        .catch(() => null)
        .then(() => subscription.unsubscribe());
    });
  }

  // Once per tab: does the server still send this device the signed-in person's messages?
  function sync() {
    currentSubscription().then((subscription) => {
      if (!subscription || sessionStorage.getItem(SYNCED) === subscription.endpoint) {
        return;
      }
      const body = Object.assign(subscription.toJSON(), { sync: true });
      post(urls.subscribe, body)
        .then((response) => (response.ok ? response.json() : null))
        .then((data) => {
          if (data && data.subscribed === false) {
            subscription.unsubscribe();
          } else if (data && data.subscribed) {
            sessionStorage.setItem(SYNCED, subscription.endpoint);
          }
        })
        .catch(() => null);
    });
  }

  // Logging out turns push off for this device first, so that a shared PC does not show
  // the next colleague this person's messages.
  function guardLogout() {
    document.querySelectorAll("form[action$='/accounts/logout/']").forEach((form) => {
      form.addEventListener("submit", (event) => {
        if (form.dataset.pushDone) {
          return;
        }
        event.preventDefault();
        form.dataset.pushDone = "1";
        const timeout = new Promise((resolve) => setTimeout(resolve, 1500));
        Promise.race([unsubscribe(true).catch(() => null), timeout]).then(() => form.submit());
      });
    });
  }

  function settingsPanel(panel) {
    const enable = panel.querySelector("[data-push-enable]");
    const disable = panel.querySelector("[data-push-disable]");
    const states = panel.querySelectorAll("[data-push-state]");

    function show(state) {
      states.forEach((element) => {
        element.hidden = element.dataset.pushState !== state;
      });
      enable.hidden = !(state === "off" || state === "failed");
      disable.hidden = state !== "on";
      enable.disabled = false;
      disable.disabled = false;
    }

    function refresh() {
      if (!supported) {
        show("unsupported");
        return Promise.resolve();
      }
      if (Notification.permission === "denied") {
        show("denied");
        return Promise.resolve();
      }
      return currentSubscription().then((subscription) => show(subscription ? "on" : "off"));
    }

    enable.addEventListener("click", () => {
      enable.disabled = true;
      subscribe()
        .then(() => show("on"))
        .catch((error) => {
          if (error && error.message === "denied") {
            show("denied");
          } else if (error && error.message === "default") {
            show("off");
          } else {
            show("failed");
          }
        });
    });
    disable.addEventListener("click", () => {
      disable.disabled = true;
      unsubscribe(false)
        .then(() => show("off"))
        .catch(() => show("failed"));
    });
    refresh();
  }

  function start() {
    if (supported && Notification.permission === "granted") {
      sync();
    }
    guardLogout();
    const panel = document.querySelector("[data-push-device]");
    if (panel) {
      settingsPanel(panel);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
