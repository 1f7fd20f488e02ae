// saring console: a little plain JavaScript. Every page works without it (plain HTML forms).
"use strict";
(function () {
  document.documentElement.classList.add("js");

  // Periksa: the parent post field only for draft replies.
  const form = document.getElementById("check-form");
  if (form) {
    const parent = document.getElementById("parent-field");
    const sync = () => {
      const kind = form.querySelector("input[name=kind]:checked");
      parent.hidden = !(kind && kind.value === "reply");
    };
    form.querySelectorAll("input[name=kind]").forEach((r) => r.addEventListener("change", sync));
    sync();
  }

  // Antrean: j/k move between items, 1/2/3 pick a risk, y confirms, n corrects.
  const queue = document.getElementById("queue");
  if (!queue) return;
  const items = Array.from(queue.querySelectorAll(".qitem"));
  if (!items.length) return;
  const RISKS = ["hoax", "slander", "incitement"];
  let at = Math.min(parseInt(queue.dataset.at || "0", 10) || 0, items.length - 1);
  let risk = null;

  function select(i, scroll) {
    at = Math.max(0, Math.min(items.length - 1, i));
    items.forEach((el, k) => el.classList.toggle("selected", k === at));
    risk = items[at].dataset.topRisk || "hoax";
    markRisk();
    if (scroll) items[at].scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
  function markRisk() {
    items[at].querySelectorAll(".qrisk").forEach((row) => row.classList.toggle("active", row.dataset.risk === risk));
  }
  function act(what) {
    const button = items[at].querySelector(`button[value="${risk}:${what}"]`);
    if (button) button.click();
  }
  items.forEach((el, k) => el.addEventListener("click", () => { if (k !== at) select(k, false); }));
  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    switch (ev.key) {
      case "j": select(at + 1, true); break;
      case "k": select(at - 1, true); break;
      case "1": case "2": case "3": risk = RISKS[Number(ev.key) - 1]; markRisk(); break;
      case "y": act("confirm"); break;
      case "n": act("correct"); break;
      default: return;
    }
    ev.preventDefault();
  });
  select(at, at > 0);
})();
