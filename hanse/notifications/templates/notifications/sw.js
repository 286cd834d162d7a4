/* Hanse service worker: shows web push messages and opens what they are about.
 *
 * It deliberately caches nothing and has no fetch handler. Hanse runs on shared PCs in the
 * branches: a page kept for offline use would stay on the disk after its reader logged out,
 * and the next colleague at that PC could open it. Every page therefore always comes from the
 * server, which checks the session. Static files are cached by the browser's ordinary HTTP
 * cache (they carry hashed names and long cache headers), which needs no help from here.
 */
"use strict";

// JSON string literals of our own static URLs (hashed names in production).
const ICON_URL = {{ icon_url|safe }};
const BADGE_URL = {{ badge_url|safe }};

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  // Drop any cache a former version of this worker may have left behind.
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// Only paths on this site are opened; a payload can never send someone elsewhere.
function sameOriginUrl(raw) {
  try {
    const url = new URL(raw || "/", self.location.origin);
    return url.origin === self.location.origin ? url.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  const title = typeof message.title === "string" && message.title ? message.title : "Hanse";
  const options = {
    body: typeof message.body === "string" ? message.body : "",
    icon: ICON_URL,
    badge: BADGE_URL,
    data: { url: sameOriginUrl(message.url) },
  };
  if (typeof message.tag === "string" && message.tag) {
    // The same tag replaces the earlier message ("Anna and 4 others" grows in place).
    options.tag = message.tag;
    options.renotify = true;
  }
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      // Reuse an open Hanse window rather than opening another one.
      for (const client of windows) {
        if (new URL(client.url).origin === self.location.origin && "focus" in client) {
          // navigate() works only in windows this worker controls; else open a new one.
          return client
            .focus()
            .then((focused) => focused.navigate(target))
            .catch(() => self.clients.openWindow(target));
        }
      }
      return self.clients.openWindow(target);
    }),
  );
});
