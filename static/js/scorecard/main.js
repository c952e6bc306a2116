// Live scorecard: autosave that never loses a word, in any number of tabs, online or off.
//
// The rules live in sync.js (when to send, what an answer means, conflicts, closed tabs,
// submitting) and changes.js; this file is the page: it reads and writes the fields,
// shows the status and the conflicts, and talks to the server.

import { bindKeyboard } from "./keyboard.js";
import { Editor } from "./sync.js";
import { TabStore } from "./tabs.js";
import { startTimer } from "./timer.js";

const root = document.querySelector(".live[data-editable='true']");
if (root) start(root);

async function start(root) {
  const stateEl = root.querySelector("[data-save-state]");
  const submitForm = root.querySelector("[data-submit-form]");
  const submitVersion = root.querySelector("[data-submit-version]");
  let token = document.querySelector("meta[name='csrf-token']").content;

  // ---- fields -------------------------------------------------------------------------
  const inputsFor = (key) => [...root.querySelectorAll(`[name="${CSS.escape(key)}"]`)];
  const keys = [...new Set([...root.querySelectorAll("[data-field]")].map((el) => el.name))];

  function read(key) {
    const inputs = inputsFor(key);
    const first = inputs[0];
    if (!first) return undefined;
    if (first.type === "radio") {
      const checked = inputs.find((i) => i.checked);
      if (!checked) return first.hasAttribute("data-number") ? null : "";
      return first.hasAttribute("data-number") ? Number(checked.value) : checked.value;
    }
    if (first.type === "checkbox") return first.checked;
    return first.value;
  }

  function write(key, value) {
    const inputs = inputsFor(key);
    const first = inputs[0];
    if (!first) return;
    if (first.type === "radio") {
      inputs.forEach((i) => { i.checked = value !== null && i.value === String(value); });
      // The same rating, offered beside each question that evaluates it.
      root.querySelectorAll(`[data-mirror="${CSS.escape(key)}"]`).forEach((i) => {
        i.checked = value !== null && value !== undefined && i.value === String(value);
      });
    } else if (first.type === "checkbox") {
      first.checked = Boolean(value);
    } else if (first.value !== (value ?? "")) {
      // Keep the caret where the person is typing.
      const focused = document.activeElement === first;
      const { selectionStart, selectionEnd } = first;
      first.value = value ?? "";
      if (focused) first.setSelectionRange(selectionStart, selectionEnd);
    }
  }

  function label(key) {
    const input = inputsFor(key)[0];
    if (!input) return key;
    const group = input.closest("fieldset");
    const own = input.type === "radio" ? group && group.querySelector("legend") : input.labels && input.labels[0];
    const question = input.closest("[data-question]");
    const context = question
      ? question.querySelector(".qnum")
      : input.type !== "radio" && input.closest("[data-rating]") && input.closest("[data-rating]").querySelector("legend");
    return [context && context.textContent.trim(), own && own.textContent.trim()].filter(Boolean).join(" · ") || key;
  }

  // ---- the status line ------------------------------------------------------------------
  function status(kind, text, linkKey = null) {
    stateEl.dataset.state = kind;
    stateEl.textContent = "";
    if (kind === "signed-out") {
      const link = document.createElement("a");
      link.href = `${root.dataset.loginUrl}?next=${encodeURIComponent(window.location.pathname)}`;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = "sign in again in a new tab";
      stateEl.append("Your session has ended. Your changes are kept on this device: ", link, "; they are sent as soon as you have.");
      return;
    }
    stateEl.append(text);
    const box = linkKey && conflictBoxes.get(linkKey);
    if (box) {
      const link = document.createElement("a");
      link.href = `#${box.id}`;
      link.textContent = "Show it";
      link.addEventListener("click", (event) => {
        event.preventDefault();
        box.scrollIntoView({ block: "center" });
        box.focus({ preventScroll: true });
      });
      stateEl.append(" ", link);
    }
  }

  function errors(blocked) {
    root.querySelectorAll("[data-error-for]").forEach((el) => {
      const message = blocked[el.dataset.errorFor];
      el.textContent = message || "";
      el.hidden = !message;
    });
  }

  // ---- conflicts, each shown at its field -------------------------------------------------
  // A box goes right after its field, so the line being typed on never moves; it never
  // takes the focus.
  const CAPTIONS = {
    server: "Saved elsewhere (another tab or device)",
    tab: "Not yet saved, from another tab",
  };
  const shown = (value) => (value === null || value === "" || value === undefined ? "(empty)" : String(value));
  const conflictBoxes = new Map();
  let boxCount = 0;

  function conflicts(held) {
    conflictBoxes.forEach((box, key) => {
      if (key in held) return;
      const inBox = box.contains(document.activeElement);
      box.remove();
      conflictBoxes.delete(key);
      // The clicked button is gone: give the focus back to the field, not to the page.
      if (inBox) { const field = inputsFor(key)[0]; if (field) field.focus({ preventScroll: true }); }
    });
    Object.entries(held).forEach(([key, conflict]) => {
      const box = conflictBoxes.get(key) || newConflictBox(key);
      box.querySelector(".conflict-mine").textContent = shown(read(key));
      box.querySelector(".conflict-theirs").textContent = shown(conflict.theirs);
      box.querySelector(".conflict-caption").textContent = CAPTIONS[conflict.source] || CAPTIONS.server;
      box.querySelector(".conflict-stranded").hidden = !conflict.stranded;
      const merge = box.querySelector("[data-choice='merge']");
      merge.hidden = !(typeof conflict.theirs === "string" && typeof read(key) === "string");
    });
  }

  function newConflictBox(key) {
    boxCount += 1;
    const box = document.createElement("section");
    box.className = "conflict-item card card-warn";
    box.id = `conflict-${boxCount}`;
    box.tabIndex = -1;
    box.dataset.conflictKey = key;
    box.dataset.conflict = "";
    box.setAttribute("aria-labelledby", `${box.id}-h`);
    const title = document.createElement("h3");
    title.id = `${box.id}-h`;
    title.textContent = `Changed elsewhere too: ${label(key)}`;
    const intro = document.createElement("p");
    intro.className = "small";
    intro.textContent = "Choose what to keep; nothing is overwritten until you do, and you can go on typing meanwhile.";
    const stranded = document.createElement("p");
    stranded.className = "small conflict-stranded";
    stranded.textContent = "Yours was typed after the scorecard was submitted, and kept on this device.";
    const grid = document.createElement("div");
    grid.className = "conflict-grid";
    [["Yours, as in the field now", "mine"], ["", "theirs"]].forEach(([caption, kind]) => {
      const col = document.createElement("div");
      const head = document.createElement("p");
      head.className = `small muted ${kind === "theirs" ? "conflict-caption" : ""}`;
      head.textContent = caption;
      const text = document.createElement("div");
      text.className = `pre conflict-text conflict-${kind}`;
      text.dir = "auto";
      col.append(head, text);
      grid.append(col);
    });
    const actions = document.createElement("div");
    actions.className = "actions";
    [["Keep mine", "mine"], ["Keep theirs", "theirs"], ["Merge both", "merge"]].forEach(([text, choice]) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small";
      button.textContent = text;
      button.dataset.choice = choice;
      button.addEventListener("click", () => editor.decide(key, choice));
      actions.append(button);
    });
    box.append(title, intro, stranded, grid, actions);
    const field = inputsFor(key)[0];
    const place = field && (field.closest(".field") || field.closest("fieldset"));
    (place || root).after(box);
    conflictBoxes.set(key, box);
    return box;
  }

  // ---- closed elsewhere -------------------------------------------------------------------
  function closed(message, unsent) {
    root.querySelectorAll("[data-field], [data-mirror]").forEach((el) => {
      if (el.tagName === "TEXTAREA") el.readOnly = true;
      else el.disabled = true;
    });
    conflicts({});
    stateEl.dataset.state = "closed";
    stateEl.textContent = "";
    const reload = document.createElement("a");
    reload.href = window.location.pathname;
    reload.textContent = "Reload the scorecard";
    const kept = unsent.length
      ? ` What you typed here that the server does not hold (${unsent.map(label).join(", ")}) is kept on this device: amend the scorecard to add it.`
      : "";
    stateEl.append(`${message}${kept} `, reload);
    if (submitForm) submitForm.hidden = true;
  }

  // ---- talking to the server ----------------------------------------------------------------
  const transport = {
    async save(base, changes, timeoutMs) {
      const controller = new AbortController();
      const limit = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const response = await fetch(root.dataset.saveUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ base, changes }),
          signal: controller.signal,
        });
        const body = await response.json().catch(() => ({}));
        return { status: response.status, body, redirected: response.redirected };
      } catch (error) {
        return { failed: true };
      } finally {
        clearTimeout(limit);
      }
    },
    async token() {
      try {
        const response = await fetch(root.dataset.tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (response.ok && !response.redirected) token = (await response.json()).csrf_token;
        return response.redirected ? 401 : response.status;
      } catch (error) {
        return 0;
      }
    },
  };

  const view = {
    read,
    write,
    label,
    status,
    errors,
    conflicts,
    closed,
    version(base) { if (submitVersion) submitVersion.value = base; },
  };

  const editor = new Editor({
    base: Number(root.dataset.version),
    values: Object.fromEntries(keys.map((k) => [k, read(k)])),
    store: new TabStore({ scorecardId: root.dataset.scorecardId, storage: localStorage, locks: navigator.locks || null }),
    transport,
    clock: { now: () => Date.now(), after: (ms, fn) => setTimeout(fn, ms), cancel: (handle) => clearTimeout(handle) },
    online: () => navigator.onLine,
    view,
    noteLimit: Number(root.dataset.noteLimit),
  });

  // ---- typing -------------------------------------------------------------------------------
  function changed(event) {
    const el = event.target.closest("[data-field], [data-mirror]");
    if (!el) return;
    const key = el.dataset.mirror || el.name;
    if (el.dataset.mirror) write(key, Number(el.value));
    if (key.endsWith(":not_assessed") && el.checked) {
      const valueKey = key.replace(":not_assessed", ":value");
      write(valueKey, null);
      editor.edit(valueKey, null);
    }
    if (key.endsWith(":value")) {
      const naKey = key.replace(":value", ":not_assessed");
      if (read(naKey)) { write(naKey, false); editor.edit(naKey, false); }
      write(key, read(key)); // the same rating beside its questions follows
    }
    editor.typed(key, read(key));
  }

  // ---- submit -------------------------------------------------------------------------------
  // Everything is saved first (this tab's, and closed tabs' text on this device); then the
  // server checks what is missing; only then does a confirmation name what submitting
  // locks, and the unsent text other open tabs hold, to include or leave.
  let submitting = false;
  let others = [];
  const confirmBox = root.querySelector("[data-submit-confirm]");
  const othersBox = confirmBox && confirmBox.querySelector("[data-others]");
  submitForm.addEventListener("submit", async (event) => {
    if (submitting) return;
    event.preventDefault();
    others = await editor.prepareSubmit();
    if (!editor.ready()) {
      status("error", `Submit waits until every change is saved. ${stateEl.textContent}`);
      return;
    }
    const found = await problems();
    if (found === null) {
      status("error", "Could not check the scorecard with the server: it is not answering. Your changes are kept; try again in a moment.");
      return;
    }
    if (Object.keys(found.problems).length) {
      showSummary(found);
      return;
    }
    clearSummary();
    if (othersBox) {
      othersBox.hidden = others.length === 0;
      const tabs = new Set(others.map((other) => other.entry)).size;
      othersBox.querySelector("p").textContent = tabs > 1
        ? `${tabs} other tabs on this device hold text not yet saved:`
        : "Another tab on this device holds text not yet saved:";
      const list = othersBox.querySelector("ul");
      list.textContent = "";
      others.forEach((other) => {
        const item = document.createElement("li");
        item.textContent = `${other.label}: ${other.chars.toLocaleString()} character${other.chars === 1 ? "" : "s"}`;
        list.append(item);
      });
      othersBox.querySelector("input").checked = true;
    }
    confirmBox.showModal();
  });

  async function submitNow() {
    if (others.length && othersBox.querySelector("input").checked) {
      await editor.include(others);
      if (!editor.ready()) return; // a conflict to decide first: the status says where
    }
    if (!editor.ready()) return;
    submitVersion.value = editor.state.base;
    editor.store.clear();
    submitting = true;
    submitForm.submit();
  }
  confirmBox.querySelector("[data-confirm-submit]").addEventListener("click", () => {
    confirmBox.close();
    submitNow();
  });
  confirmBox.querySelector("[data-confirm-cancel]").addEventListener("click", () => confirmBox.close());

  async function problems() {
    try {
      const response = await fetch(root.dataset.problemsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || response.redirected) return null;
      return await response.json();
    } catch (error) {
      return null;
    }
  }

  // ---- the summary of what is missing, before any confirmation ------------------------------
  const summaryHost = root.querySelector("[data-summary-host]");
  function clearSummary() {
    summaryHost.textContent = "";
    root.querySelectorAll("[data-problem-for]").forEach((el) => { el.hidden = true; el.textContent = ""; });
  }

  function showSummary({ problems: found, labels, anchors }) {
    clearSummary();
    const box = document.createElement("div");
    box.className = "error-summary";
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    box.dataset.errorSummary = "";
    const count = Object.keys(found).length;
    const head = document.createElement("h2");
    head.textContent = `Not submitted: ${count} thing${count === 1 ? "" : "s"} to complete`;
    const list = document.createElement("ul");
    Object.entries(found).forEach(([key, message]) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `#${anchors[key] || "recommendation"}`;
      link.textContent = `${labels[key] || key}: ${message}`;
      item.append(link);
      list.append(item);
      const at = root.querySelector(`[data-problem-for="${CSS.escape(key)}"]`);
      if (at) { at.textContent = message; at.hidden = false; }
    });
    box.append(head, list);
    summaryHost.append(box);
    bindSummary(box);
    box.scrollIntoView({ block: "start" });
    box.focus({ preventScroll: true });
  }

  // After a refused submit (or the check above) the summary takes the focus; its links
  // go to the control to fix.
  function bindSummary(summary) {
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
  }
  const served = root.querySelector("[data-error-summary]");
  if (served) {
    served.focus();
    bindSummary(served);
  }

  // ---- the calibration guides sit beside the notes on a wide screen: open them there ---
  if (window.matchMedia("(min-width: 1280px)").matches) {
    root.querySelectorAll("[data-guide]").forEach((guide) => { guide.open = true; });
  }

  // ---- shortcuts ----------------------------------------------------------------------
  const shortcuts = root.querySelector("[data-shortcuts]");
  const showShortcuts = () => { if (shortcuts && !shortcuts.open) shortcuts.showModal(); };
  root.querySelectorAll("[data-shortcuts-open]").forEach((button) => button.addEventListener("click", showShortcuts));

  // ---- wiring -------------------------------------------------------------------------
  root.addEventListener("input", changed);
  root.addEventListener("change", (event) => { if (!event.target.matches("textarea")) changed(event); });
  const again = () => { editor.attempt = 0; editor.adoptClosedTabs(); };
  window.addEventListener("online", again);
  window.addEventListener("focus", again);
  window.addEventListener("offline", () => {
    if (Object.keys(editor.state.pending).length) status("offline", "Offline (this device): your changes are kept here and sent when the connection returns.");
  });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") editor.flush(); });
  window.addEventListener("pagehide", () => editor.flush());
  startTimer(root, {
    token: () => token,
    onServer: (server) => { if (server.open === false) editor.remoteClosed(); },
  });
  bindKeyboard(root, { saveNow: () => editor.schedule(0), showShortcuts });

  await editor.start();
}
