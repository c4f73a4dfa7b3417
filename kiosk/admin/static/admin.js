// The admin page's only script: it keeps the page where it is. An action
// (approve, reject, pin, unpin, revoke, several at once) is sent in the
// background and only the cards it concerns change: no reload, no jump
// back to the top. Revoke asks once. Without this script every form still
// works and the browser comes back to the card it was at (#post-ID).
(function () {
  "use strict";
  var toast = document.getElementById("toast");
  var timer = 0;
  // The page's words and digits come with the page (data-* on <body>),
  // in the kiosk's language: nothing here is translated.
  var words = document.body.dataset;
  var digits = words.digits && words.digits.length ? Array.from(words.digits) : null;

  function num(n) {
    var s = String(n);
    return digits && digits.length === 10 ? s.replace(/[0-9]/g, function (d) { return digits[+d]; }) : s;
  }

  function say(text, error) {
    if (!toast) return;
    toast.textContent = text;
    toast.className = "toast show" + (error ? " error" : "");
    clearTimeout(timer);
    timer = setTimeout(function () { toast.className = "toast"; }, error ? 12000 : 6000);
  }

  function badge(name, n) {
    var b = document.querySelector('[data-count="' + name + '"]');
    if (b && n !== undefined) b.textContent = n;
  }

  function picked() {
    return Array.prototype.slice.call(document.querySelectorAll("input.pick:checked"));
  }

  function updateBulk() {
    var n = picked().length;
    var out = document.getElementById("picked");
    if (out) out.textContent = n === 0 ? words.pickNone : words.pickCount.replace("{n}", num(n));
    document.querySelectorAll("form.bulk button[name=action]").forEach(function (b) { b.disabled = n === 0; });
  }

  function apply(res) {
    (res.gone || []).forEach(function (id) {
      var card = document.getElementById("post-" + id);
      if (card) card.remove();
    });
    Object.keys(res.cards || {}).forEach(function (id) {
      var card = document.getElementById("post-" + id);
      if (card) card.outerHTML = res.cards[id];
    });
    if (res.shown) {
      badge("pending", res.shown.Pending);
      badge("shown", res.shown.Shown);
      badge("hidden", res.shown.Hidden);
    }
    var left = document.querySelectorAll("article.post").length;
    var shown = document.getElementById("showing");
    if (shown) shown.textContent = num(left);
    if (left === 0 && document.getElementById("empty-after")) {
      document.getElementById("empty-after").hidden = false;
    }
    updateBulk();
    say(res.message, res.error);
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches("form.act, form.bulk")) return;
    var button = e.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      e.preventDefault();
      return;
    }
    e.preventDefault();
    var data = new FormData(form);
    if (button && button.name) data.set(button.name, button.value);
    if (button && button.dataset.confirm) data.set("confirm", "yes");
    if (form.matches("form.bulk")) {
      data.delete("id");
      picked().forEach(function (c) { data.append("id", c.value); });
    }
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    // Not form.action: the buttons are named "action", which hides it.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new URLSearchParams(data),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (r) {
      if (r.status === 401) { window.location.reload(); return null; }
      return r.json();
    }, function () {
      return { ok: false, message: words.noAnswer, error: true };
    }).then(function (body) {
      buttons.forEach(function (b) { b.disabled = false; });
      if (!body) return;
      if (!body.ok) { say(body.message, true); updateBulk(); return; }
      apply(body);
    }).catch(function () {
      // An answer that is not the page's JSON: reload to show the truth
      // rather than send the form a second time.
      window.location.reload();
    });
  });

  document.addEventListener("change", function (e) {
    if (e.target.matches(".filters select")) e.target.form.submit();
    if (e.target.matches("input.pick, #pick-all")) {
      if (e.target.id === "pick-all") {
        document.querySelectorAll("input.pick").forEach(function (c) { c.checked = e.target.checked; });
      }
      updateBulk();
    }
  });

  var go = document.querySelector(".filters button[type=submit]");
  if (go) go.hidden = true; // the lists apply themselves
  updateBulk();
})();
