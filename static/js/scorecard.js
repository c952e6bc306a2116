// Live scorecard: autosave that never loses a word.
//
// Every change is kept in localStorage first (so a reload, a crashed tab or an expired
// session loses nothing), then sent within about a second. Each save names the version
// it was based on; when another tab or device saved meanwhile the server answers 409
// with what it has, and the interviewer chooses, field by field, what to keep.
(() => {
  const root = document.querySelector(".live[data-editable='true']");
  if (!root) return;

  const scorecardId = root.dataset.scorecardId;
  const storageKey = `scorecard:${scorecardId}`;
  const timerKey = `scorecard:${scorecardId}:started`;
  const stateEl = root.querySelector("[data-save-state]");
  const conflictEl = root.querySelector("[data-conflict]");
  const conflictList = root.querySelector("[data-conflict-list]");
  const noteLimit = Number(root.dataset.noteLimit);
  let token = document.querySelector("meta[name='csrf-token']").content;

  // base: the server version our pending changes apply to; pending: key -> value not yet
  // saved; origin: key -> value before the local edit (to tell our edits from theirs).
  let base = Number(root.dataset.version);
  let pending = {};
  let origin = {};
  const blocked = new Set(); // keys the server refused (too long, ...) until edited again
  const conflicts = new Map(); // key -> {mine, theirs}
  let serverVersion = null;
  let inflight = false;
  let timer = null;
  let retryDelay = 2000;

  // ---- fields -------------------------------------------------------------------------
  const fields = () => root.querySelectorAll("[data-field]");
  const inputsFor = (key) => root.querySelectorAll(`[name="${CSS.escape(key)}"]`);

  function read(key) {
    const inputs = [...inputsFor(key)];
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
    const inputs = [...inputsFor(key)];
    const first = inputs[0];
    if (!first) return;
    if (first.type === "radio") {
      inputs.forEach((i) => { i.checked = value !== null && i.value === String(value); });
    } else if (first.type === "checkbox") {
      first.checked = Boolean(value);
    } else {
      first.value = value ?? "";
    }
  }

  const synced = {};
  const keys = new Set([...fields()].map((el) => el.name));
  keys.forEach((key) => { synced[key] = read(key); });

  // ---- storage ------------------------------------------------------------------------
  function persist() {
    try {
      if (Object.keys(pending).length === 0) localStorage.removeItem(storageKey);
      else localStorage.setItem(storageKey, JSON.stringify({ base, pending, origin }));
    } catch (error) {
      setState("error", "This device could not keep a copy (storage is full or blocked).");
    }
  }

  function restore() {
    let stored = null;
    try { stored = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { /* none */ }
    if (!stored || !stored.pending || Object.keys(stored.pending).length === 0) return;
    base = stored.base;
    origin = stored.origin || {};
    pending = {};
    Object.entries(stored.pending).forEach(([key, value]) => {
      if (!keys.has(key)) return;
      pending[key] = value;
      write(key, value);
    });
    setState("pending", "Restored changes kept on this device; sending them…");
  }

  // ---- status -------------------------------------------------------------------------
  function setState(kind, text) {
    stateEl.textContent = text;
    stateEl.dataset.state = kind;
  }
  const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

  function showFieldError(key, message) {
    const el = root.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
    if (!el) return;
    el.textContent = message || "";
    el.hidden = !message;
  }

  // ---- saving -------------------------------------------------------------------------
  function changed(event) {
    const el = event.target.closest("[data-field]");
    if (!el) return;
    const key = el.name;
    if (key.endsWith(":not_assessed") && el.checked) {
      const valueKey = key.replace(":not_assessed", ":value");
      noteChange(valueKey, null);
      write(valueKey, null);
    }
    if (key.endsWith(":value")) {
      const naKey = key.replace(":value", ":not_assessed");
      if (read(naKey)) { write(naKey, false); noteChange(naKey, false); }
    }
    noteChange(key, read(key));
  }

  function noteChange(key, value) {
    if (!(key in origin)) origin[key] = synced[key];
    pending[key] = value;
    blocked.delete(key);
    if (typeof value === "string" && value.length > noteLimit) {
      blocked.add(key);
      showFieldError(key, `This text has ${value.length.toLocaleString()} characters; the limit is ${noteLimit.toLocaleString()}. Shorten it to save it: it stays here meanwhile.`);
    } else {
      showFieldError(key, "");
    }
    persist();
    setState("pending", "Unsaved changes…");
    schedule(800);
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
  }

  const sendable = () => Object.keys(pending).filter((k) => !blocked.has(k) && !conflicts.has(k));

  async function flush() {
    if (inflight) return;
    const keysToSend = sendable();
    if (keysToSend.length === 0) {
      if (blocked.size) setState("error", "Not saved: a field is over the length limit.");
      else if (!conflicts.size && Object.keys(pending).length === 0) setState("saved", stateEl.dataset.savedText || "All changes saved.");
      return;
    }
    if (!navigator.onLine) { offline(); return; }
    const changes = {};
    keysToSend.forEach((k) => { changes[k] = pending[k]; });
    inflight = true;
    setState("saving", "Saving…");
    let response;
    try {
      response = await fetch(root.dataset.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ base, changes }),
      });
    } catch (error) {
      inflight = false;
      offline();
      return;
    }
    inflight = false;
    let body = {};
    try { body = await response.json(); } catch (error) { body = {}; }

    if (response.ok) {
      retryDelay = 2000;
      base = body.version;
      Object.entries(changes).forEach(([k, v]) => {
        synced[k] = v;
        if (JSON.stringify(pending[k]) === JSON.stringify(v)) { delete pending[k]; delete origin[k]; }
      });
      persist();
      const text = `Saved at ${clock(body.saved_at)}.`;
      stateEl.dataset.savedText = text;
      if (Object.keys(pending).length) schedule(300);
      else setState("saved", text);
      return;
    }
    if (response.status === 409 && body.stored) { resolveConflict(body); return; }
    if (response.status === 401 || response.redirected) { signedOut(); return; }
    if (response.status === 400 && /expired|not sent by this site/i.test(body.error || "")) {
      // The session changed (signed in again) or ended: get this session's token.
      const status = await refreshToken();
      if (status === 401) signedOut();
      else if (status === 200) schedule(0);
      else retry();
      return;
    }
    if (response.status === 422 && body.errors) {
      Object.entries(body.errors).forEach(([k, message]) => { blocked.add(k); showFieldError(k, message); });
      setState("error", "Some changes were not saved: see the marked fields.");
      schedule(300);
      return;
    }
    setState("error", body.error || `Not saved (error ${response.status}). Your changes are kept on this device.`);
    if (response.status >= 500 || response.status === 429) retry();
  }

  function offline() {
    setState("offline", "Offline: changes are kept on this device and sent when the connection returns.");
    retry();
  }

  function retry() {
    schedule(retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function signedOut() {
    stateEl.innerHTML = "";
    const link = document.createElement("a");
    link.href = `${root.dataset.loginUrl}?next=${encodeURIComponent("/")}`;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "sign in again in a new tab";
    stateEl.append("Your session has ended. Your changes are kept on this device: ", link, "; they are sent as soon as you have.");
    stateEl.dataset.state = "signed-out";
    retry();
  }

  async function refreshToken() {
    try {
      const response = await fetch(root.dataset.tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) token = (await response.json()).csrf_token;
      return response.status;
    } catch (error) {
      return 0; // offline: the next try asks again
    }
  }

  // ---- conflicts ----------------------------------------------------------------------
  function resolveConflict(body) {
    serverVersion = body.version;
    const stored = body.stored;
    // Fields nobody else touched: adopt the stored value, and rebase our edits on it.
    Object.keys(stored).forEach((key) => {
      if (!(key in pending)) { synced[key] = stored[key]; write(key, stored[key]); }
    });
    Object.keys(pending).forEach((key) => {
      const theirs = stored[key];
      const before = origin[key];
      if (JSON.stringify(theirs) === JSON.stringify(before) || JSON.stringify(theirs) === JSON.stringify(pending[key])) {
        origin[key] = theirs;
      } else {
        conflicts.set(key, { mine: pending[key], theirs });
      }
    });
    if (conflicts.size === 0) { base = serverVersion; persist(); schedule(0); return; }
    renderConflicts();
  }

  function label(key) {
    const input = inputsFor(key)[0];
    const container = input && (input.closest("fieldset") || input.closest(".field"));
    const legend = container && (container.querySelector("legend") || container.querySelector("label"));
    const question = input && input.closest("[data-question]");
    const heading = question && question.querySelector("h3");
    return [heading && heading.textContent.trim(), legend && legend.textContent.trim()].filter(Boolean).join(" · ");
  }

  function renderConflicts() {
    conflictList.innerHTML = "";
    conflicts.forEach(({ mine, theirs }, key) => {
      const box = document.createElement("div");
      box.className = "conflict-item";
      box.dataset.conflictKey = key;
      const title = document.createElement("h3");
      title.textContent = label(key) || key;
      const grid = document.createElement("div");
      grid.className = "conflict-grid";
      [["Your text (this tab)", mine, "mine"], ["Saved elsewhere", theirs, "theirs"]].forEach(([caption, value, kind]) => {
        const col = document.createElement("div");
        const h = document.createElement("p");
        h.className = "small muted";
        h.textContent = caption;
        const pre = document.createElement("div");
        pre.className = `pre conflict-text conflict-${kind}`;
        pre.textContent = value === null || value === "" ? "(empty)" : String(value);
        col.append(h, pre);
        grid.append(col);
      });
      const actions = document.createElement("div");
      actions.className = "actions";
      const choices = [["Keep mine", () => mine], ["Keep theirs", () => theirs]];
      if (typeof mine === "string" && typeof theirs === "string") {
        choices.push(["Merge both", () => `${theirs}\n\n${mine}`]);
      }
      choices.forEach(([text, pick]) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button button-small";
        button.textContent = text;
        button.addEventListener("click", () => choose(key, pick()));
        actions.append(button);
      });
      box.append(title, grid, actions);
      conflictList.append(box);
    });
    conflictEl.hidden = false;
    conflictEl.focus();
    setState("conflict", "Not saved: choose what to keep in the box above.");
  }

  function choose(key, value) {
    const { theirs } = conflicts.get(key);
    conflicts.delete(key);
    write(key, value);
    synced[key] = theirs;
    origin[key] = theirs;
    pending[key] = value;
    if (conflicts.size === 0) {
      base = serverVersion;
      conflictEl.hidden = true;
      const first = inputsFor(key)[0];
      if (first) first.focus();
    } else {
      renderConflicts();
    }
    persist();
    schedule(0);
  }

  // ---- submit -------------------------------------------------------------------------
  const submitForm = root.querySelector("[data-submit-form]");
  submitForm.addEventListener("submit", async (event) => {
    if (Object.keys(pending).length === 0) { localStorage.removeItem(storageKey); return; }
    event.preventDefault();
    await flush();
    if (Object.keys(pending).length === 0) {
      localStorage.removeItem(storageKey);
      submitForm.submit();
    } else {
      setState("error", "Submit waits until every change is saved. " + stateEl.textContent);
    }
  });

  // ---- timer --------------------------------------------------------------------------
  const elapsedEl = root.querySelector("[data-elapsed]");
  const toggle = root.querySelector("[data-timer-toggle]");
  const sections = [...root.querySelectorAll(".live-section[data-section-end]")];
  function tick() {
    const started = Number(localStorage.getItem(timerKey) || 0);
    if (!started) { elapsedEl.textContent = "0:00"; toggle.textContent = "Start timer"; return; }
    toggle.textContent = "Reset timer";
    const seconds = Math.floor((Date.now() - started) / 1000);
    elapsedEl.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    const minutes = seconds / 60;
    sections.forEach((section) => {
      const start = Number(section.dataset.sectionStart);
      const end = Number(section.dataset.sectionEnd);
      section.classList.toggle("now", minutes >= start && minutes < end);
      section.classList.toggle("past", minutes >= end);
    });
    root.querySelector("[data-timer]").classList.toggle("over", minutes > Number(root.dataset.duration));
  }
  toggle.addEventListener("click", () => {
    if (localStorage.getItem(timerKey)) localStorage.removeItem(timerKey);
    else localStorage.setItem(timerKey, String(Date.now()));
    tick();
  });
  setInterval(tick, 1000);
  tick();

  // ---- keyboard -----------------------------------------------------------------------
  const questions = [...root.querySelectorAll("[data-question]")];
  const current = () => {
    const active = document.activeElement && document.activeElement.closest("[data-question]");
    if (active) return questions.indexOf(active);
    const top = questions.findIndex((q) => q.getBoundingClientRect().bottom > 80);
    return top;
  };
  function goTo(index) {
    const question = questions[Math.max(0, Math.min(questions.length - 1, index))];
    if (!question) return;
    question.scrollIntoView({ block: "start", behavior: "smooth" });
    const notes = question.querySelector("textarea");
    if (notes) notes.focus({ preventScroll: true });
  }
  document.addEventListener("keydown", (event) => {
    const typing = event.target.matches("textarea, input[type=text]");
    if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      goTo(current() + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.altKey && event.key.toLowerCase() === "g") {
      event.preventDefault();
      const question = questions[Math.max(0, current())];
      const guide = question && question.querySelector("[data-guide]");
      if (guide) guide.open = !guide.open;
    } else if (event.altKey && event.key.toLowerCase() === "s") {
      event.preventDefault();
      schedule(0);
    } else if (!typing && !event.altKey && !event.ctrlKey && !event.metaKey && /^[1-7]$/.test(event.key)) {
      const rating = event.target.closest && event.target.closest("[data-rating]");
      const radio = rating && rating.querySelector(`input[type=radio][value="${event.key}"]`);
      if (radio) {
        event.preventDefault();
        radio.checked = true;
        radio.focus();
        radio.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  });

  // ---- wiring -------------------------------------------------------------------------
  root.addEventListener("input", changed);
  root.addEventListener("change", (event) => { if (!event.target.matches("textarea")) changed(event); });
  window.addEventListener("online", () => { retryDelay = 2000; schedule(0); });
  window.addEventListener("focus", () => { if (Object.keys(pending).length) { retryDelay = 2000; schedule(0); } });
  window.addEventListener("offline", offline);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flush(); });
  restore();
  if (Object.keys(pending).length) schedule(0);
})();
