// Live scorecard: autosave that never loses a word, in any number of tabs, online or off.
//
// Every change is kept on the device first, under this tab's own key (tabs.js), then sent
// within about a second. Each save names the version it was based on; when another tab
// or device saved meanwhile the server answers 409 with what it holds, our untouched
// edits are rebased and fields changed on both sides are offered as conflicts
// (changes.js). A conflict never takes the focus or stops typing.

import {
  adopt, choose, edit, isClean, newState, rebase, refused, saved, sendable, snapshot,
} from "./changes.js";
import { bindKeyboard } from "./keyboard.js";
import { MESSAGES, TIMEOUT_MS, backoff, classify } from "./network.js";
import { TabStore } from "./tabs.js";
import { startTimer } from "./timer.js";

const root = document.querySelector(".live[data-editable='true']");
if (root) start(root);

async function start(root) {
  const scorecardId = root.dataset.scorecardId;
  const stateEl = root.querySelector("[data-save-state]");
  const conflictEl = root.querySelector("[data-conflict]");
  const conflictList = root.querySelector("[data-conflict-list]");
  const submitForm = root.querySelector("[data-submit-form]");
  const submitVersion = root.querySelector("[data-submit-version]");
  const noteLimit = Number(root.dataset.noteLimit);
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

  const showAll = (values) => Object.entries(values).forEach(([k, v]) => write(k, v));

  const state = newState(Number(root.dataset.version), Object.fromEntries(keys.map((k) => [k, read(k)])));
  const store = new TabStore({ scorecardId, storage: localStorage, locks: navigator.locks || null });

  // ---- labels, status and field messages ----------------------------------------------
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

  function setState(kind, text) {
    stateEl.textContent = text;
    stateEl.dataset.state = kind;
  }

  const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  let savedText = "All changes saved.";

  function showFieldErrors() {
    root.querySelectorAll("[data-error-for]").forEach((el) => {
      const message = state.blocked[el.dataset.errorFor];
      el.textContent = message || "";
      el.hidden = !message;
    });
  }

  /** Say what is true of the changes now: never "saved" for text the server lacks. */
  function showIdle() {
    const conflicts = Object.keys(state.conflicts).length;
    const blocked = Object.keys(state.blocked).length;
    if (conflicts) {
      setState("conflict", `Not saved: ${conflicts === 1 ? "a field was" : `${conflicts} fields were`} changed elsewhere too. Choose what to keep in the box above; you can go on typing meanwhile.`);
    } else if (blocked) {
      setState("error", `Not saved: ${blocked === 1 ? "a field was" : `${blocked} fields were`} refused (see the message at ${blocked === 1 ? "it" : "each"}). Your text is kept on this device.`);
    } else if (Object.keys(state.pending).length) {
      setState("pending", "Unsaved changes…");
    } else {
      setState("saved", savedText);
    }
  }

  function keep() {
    if (isClean(state) && !Object.keys(state.blocked).length) store.clear();
    else if (!store.write(snapshot(state))) setState("error", "This device could not keep a copy (storage is full or blocked): keep this tab open until saved.");
    if (submitVersion) submitVersion.value = state.base;
  }

  // ---- saving -------------------------------------------------------------------------
  let timer = null;
  let inflight = null;
  let attempt = 0;

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
  }

  function retry(kind) {
    setState(kind, MESSAGES[kind]);
    schedule(backoff(attempt));
    attempt += 1;
  }

  function noteChange(key, value) {
    edit(state, key, value);
    if (typeof value === "string" && value.length > noteLimit) {
      state.blocked[key] = `This text has ${value.length.toLocaleString()} characters; the limit is ${noteLimit.toLocaleString()}. Shorten it to save it: it stays here meanwhile.`;
    }
    if (key in state.conflicts) refreshConflictText(key);
    keep();
    showFieldErrors();
    showIdle();
    schedule(800);
  }

  function changed(event) {
    const el = event.target.closest("[data-field], [data-mirror]");
    if (!el) return;
    const key = el.dataset.mirror || el.name;
    if (el.dataset.mirror) write(key, Number(el.value));
    if (key.endsWith(":not_assessed") && el.checked) {
      const valueKey = key.replace(":not_assessed", ":value");
      write(valueKey, null);
      edit(state, valueKey, null);
    }
    if (key.endsWith(":value")) {
      const naKey = key.replace(":value", ":not_assessed");
      if (read(naKey)) { write(naKey, false); edit(state, naKey, false); }
      write(key, read(key)); // the same rating beside its questions follows
    }
    noteChange(key, read(key));
  }

  function flush() {
    if (!inflight) inflight = send().finally(() => { inflight = null; });
    return inflight;
  }

  async function send() {
    const toSend = sendable(state);
    if (toSend.length === 0) { showIdle(); return; }
    if (!navigator.onLine) { retry("offline"); return; }
    const changes = Object.fromEntries(toSend.map((k) => [k, state.pending[k]]));
    setState("saving", "Saving…");
    let response = null;
    let body = {};
    const controller = new AbortController();
    const limit = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      response = await fetch(root.dataset.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ base: state.base, changes }),
        signal: controller.signal,
      });
      body = await response.json().catch(() => ({}));
    } catch (error) {
      response = null;
    } finally {
      clearTimeout(limit);
    }
    const kind = classify({
      status: response ? response.status : 0,
      body,
      failed: response === null,
      online: navigator.onLine,
      redirected: Boolean(response && response.redirected),
    });

    if (kind === "saved" || kind === "conflict" || kind === "invalid" || kind === "refused") attempt = 0;
    if (kind === "saved") {
      showAll(saved(state, changes, body.version, body.stored || {}, body.errors || {}));
      savedText = `Saved at ${clock(body.saved_at)}.`;
      keep();
      showFieldErrors();
      showIdle();
      if (sendable(state).length) schedule(300);
    } else if (kind === "conflict") {
      showAll(rebase(state, body.stored, body.version));
      keep();
      renderConflicts();
      showIdle();
      if (sendable(state).length) schedule(0);
    } else if (kind === "invalid") {
      Object.entries(body.errors).forEach(([k, message]) => { if (k in changes) state.blocked[k] = message; });
      keep();
      showFieldErrors();
      showIdle();
      if (sendable(state).length) schedule(300);
    } else if (kind === "refused") {
      refused(state, changes, body.error || `The server refused this change (error ${response.status}).`);
      keep();
      showFieldErrors();
      showIdle();
    } else if (kind === "token") {
      const status = await refreshToken();
      if (status === 401) signedOut();
      else if (status === 200) schedule(0);
      else retry(navigator.onLine ? "unreachable" : "offline");
    } else if (kind === "signed-out") {
      signedOut();
    } else {
      retry(kind);
    }
  }

  function signedOut() {
    stateEl.textContent = "";
    const link = document.createElement("a");
    link.href = `${root.dataset.loginUrl}?next=${encodeURIComponent(window.location.pathname)}`;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "sign in again in a new tab";
    stateEl.append("Your session has ended. Your changes are kept on this device: ", link, "; they are sent as soon as you have.");
    stateEl.dataset.state = "signed-out";
    schedule(backoff(attempt));
    attempt += 1;
  }

  async function refreshToken() {
    try {
      const response = await fetch(root.dataset.tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok && !response.redirected) token = (await response.json()).csrf_token;
      return response.redirected ? 401 : response.status;
    } catch (error) {
      return 0;
    }
  }

  // ---- conflicts ----------------------------------------------------------------------
  const CAPTIONS = {
    server: "Saved elsewhere (another tab or device)",
    tab: "Not yet saved, from a tab that was closed",
  };
  const shown = (value) => (value === null || value === "" || value === undefined ? "(empty)" : String(value));

  function renderConflicts() {
    conflictList.textContent = "";
    Object.entries(state.conflicts).forEach(([key, { theirs, source }]) => {
      const box = document.createElement("div");
      box.className = "conflict-item";
      box.dataset.conflictKey = key;
      const title = document.createElement("h3");
      title.textContent = label(key);
      const grid = document.createElement("div");
      grid.className = "conflict-grid";
      [["Yours, as in the field now", read(key), "mine"], [CAPTIONS[source], theirs, "theirs"]].forEach(([caption, value, kind]) => {
        const col = document.createElement("div");
        const head = document.createElement("p");
        head.className = "small muted";
        head.textContent = caption;
        const text = document.createElement("div");
        text.className = `pre conflict-text conflict-${kind}`;
        text.textContent = shown(value);
        col.append(head, text);
        grid.append(col);
      });
      const actions = document.createElement("div");
      actions.className = "actions";
      const choices = [["Keep mine", "mine"], ["Keep theirs", "theirs"]];
      if (typeof theirs === "string" && typeof read(key) === "string") choices.push(["Merge both", "merge"]);
      choices.forEach(([text, choice]) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button button-small";
        button.textContent = text;
        button.addEventListener("click", () => decide(key, choice));
        actions.append(button);
      });
      box.append(title, grid, actions);
      conflictList.append(box);
    });
    conflictEl.hidden = Object.keys(state.conflicts).length === 0;
  }

  function decide(key, choice) {
    const inBox = conflictEl.contains(document.activeElement);
    write(key, choose(state, key, choice, read(key)));
    keep();
    renderConflicts();
    showIdle();
    // The clicked button is gone: give the focus back to the field, not to the page.
    if (inBox && conflictEl.hidden) { const field = inputsFor(key)[0]; if (field) field.focus(); }
    schedule(0);
  }

  function refreshConflictText(key) {
    const box = conflictList.querySelector(`[data-conflict-key="${CSS.escape(key)}"] .conflict-mine`);
    if (box) box.textContent = shown(read(key));
  }

  // ---- closed tabs --------------------------------------------------------------------
  // A tab that has just closed may still hold its lock for a moment: look again soon, and
  // every 2 s while it does (a request for a free lock is cheap), so that its words are
  // sent within moments of the lock's release even on a busy machine.
  let recheck = null;
  let recheckDelay = 500;
  async function adoptClosedTabs() {
    const held = await store.adoptClosed((entry) => {
      showAll(adopt(state, entry));
      keep();
    });
    clearTimeout(recheck);
    if (held) {
      recheck = setTimeout(adoptClosedTabs, recheckDelay);
      recheckDelay = Math.min(recheckDelay * 2, 2_000);
    } else {
      recheckDelay = 500;
    }
    renderConflicts();
    showFieldErrors();
    showIdle();
    if (sendable(state).length) schedule(0);
  }

  // ---- submit -------------------------------------------------------------------------
  // Everything is saved first; then a confirmation names what submitting locks.
  let submitting = false;
  const confirmBox = root.querySelector("[data-submit-confirm]");
  submitForm.addEventListener("submit", async (event) => {
    if (submitting) return;
    event.preventDefault();
    clearTimeout(timer);
    if (inflight) await inflight;
    await flush();
    if (isClean(state) && !Object.keys(state.blocked).length) {
      if (confirmBox && confirmBox.showModal) confirmBox.showModal();
      else submitNow();
    } else {
      setState("error", `Submit waits until every change is saved. ${stateEl.textContent}`);
    }
  });
  function submitNow() {
    submitVersion.value = state.base;
    store.clear();
    submitting = true;
    submitForm.submit();
  }
  if (confirmBox) {
    confirmBox.querySelector("[data-confirm-submit]").addEventListener("click", () => {
      confirmBox.close();
      if (isClean(state) && !Object.keys(state.blocked).length) submitNow();
    });
    confirmBox.querySelector("[data-confirm-cancel]").addEventListener("click", () => confirmBox.close());
  }

  // ---- after a refused submit: the summary of what is missing takes the focus ----------
  const summary = root.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
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
  const again = () => { attempt = 0; adoptClosedTabs(); };
  window.addEventListener("online", again);
  window.addEventListener("focus", again);
  window.addEventListener("offline", () => { if (!isClean(state)) setState("offline", MESSAGES.offline); });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flush(); });
  setInterval(() => { if (!navigator.locks) store.heartbeat(); adoptClosedTabs(); }, 10_000);
  startTimer(root, { token: () => token });
  bindKeyboard(root, { saveNow: () => schedule(0), showShortcuts });

  await store.start();
  await adoptClosedTabs();
}
