/* The person picker of a town hall's host and moderator fields.
 *
 * Enhances <input data-people-picker="URL"> (a comma-separated list of usernames, which is
 * also how the field works without JavaScript) into an ARIA 1.2 combobox: typing two letters
 * of a name, username or unit lists matching colleagues; ArrowDown/ArrowUp choose, Enter or
 * a click puts the username in place of the word being typed, Escape closes the list.
 * Options are built with textContent: nothing from the server becomes markup.
 */
(function () {
  "use strict";
  var DELAY = 200;
  var counter = 0;
  var t = function (s) { return window.gettext ? window.gettext(s) : s; };

  function currentWord(input) {
    var upto = input.value.slice(0, input.selectionStart == null ? input.value.length : input.selectionStart);
    var start = upto.lastIndexOf(",") + 1;
    return { start: start, text: upto.slice(start).trim().replace(/^@/, "") };
  }

  function enhance(input) {
    var url = input.getAttribute("data-people-picker");
    var id = input.id || "people-picker-" + (++counter);
    input.id = id;
    var wrap = document.createElement("div");
    wrap.className = "people-picker";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var list = document.createElement("ul");
    list.id = id + "-listbox";
    list.className = "people-picker__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", t("Colleagues"));
    list.hidden = true;
    wrap.appendChild(list);
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(status);
    var hint = document.createElement("span");
    hint.id = id + "-hint";
    hint.className = "visually-hidden";
    hint.textContent = t("Type two letters of a name. Arrow keys choose a colleague, Enter adds them, Escape closes the list.");
    wrap.appendChild(hint);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + hint.id).trim());

    var timer = null, active = -1, people = [], asked = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      people = [];
    }

    function mark(index) {
      var options = list.querySelectorAll("[role=option]");
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var person = people[index];
      if (!person) return;
      var word = currentWord(input);
      var before = input.value.slice(0, word.start);
      var rest = input.value.slice(input.selectionStart == null ? input.value.length : input.selectionStart);
      var after = rest.indexOf(",") >= 0 ? rest.slice(rest.indexOf(",")) : "";
      var prefix = before.trim() ? before.replace(/\s*$/, "") + " " : "";
      input.value = prefix + person.username + (after ? after : ", ");
      close();
      status.textContent = t("Added:") + " " + person.name;
      input.focus();
      var end = (prefix + person.username + ", ").length;
      if (!after) input.setSelectionRange(end, end);
    }

    function show(found) {
      people = found;
      list.textContent = "";
      if (!found.length) {
        close();
        status.textContent = t("No colleague found.");
        return;
      }
      found.forEach(function (person, i) {
        var li = document.createElement("li");
        li.id = id + "-option-" + i;
        li.className = "people-picker__option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "people-picker__name";
        name.textContent = person.name + " (@" + person.username + ")";
        li.appendChild(name);
        if (person.detail) {
          var detail = document.createElement("span");
          detail.className = "people-picker__detail";
          detail.textContent = person.detail;
          li.appendChild(detail);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      var n = found.length;
      var many = window.ngettext ? window.ngettext("%s colleague found.", "%s colleagues found.", n) : (n === 1 ? "%s colleague found." : "%s colleagues found.");
      status.textContent = many.replace("%s", String(n));
    }

    function ask() {
      var word = currentWord(input).text;
      if (word.length < 2) { close(); return; }
      var mine = ++asked;
      fetch(url + "?q=" + encodeURIComponent(word), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { people: [] }; })
        .then(function (data) { if (mine === asked) show(data.people || []); })
        .catch(function () { if (mine === asked) close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        if (list.hidden) { ask(); return; }
        e.preventDefault();
        mark(Math.min(active + 1, people.length - 1));
      } else if (e.key === "ArrowUp") {
        if (list.hidden) return;
        e.preventDefault();
        mark(Math.max(active - 1, 0));
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0) { e.preventDefault(); choose(active); }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function init() {
    var inputs = document.querySelectorAll("input[data-people-picker]");
    for (var i = 0; i < inputs.length; i++) enhance(inputs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
