// One tab's editor of a scorecard: when to send, what an answer means, closed tabs'
// text, conflicts and submitting. No DOM and no network of its own: the page hands it
// a view, a transport, the tab's store and a clock, and so does the model-based test
// (tests/js/model.test.js), which runs this same code against a simulated server, many
// tabs and several devices.
//
// view:      read(key), write(key, value), label(key), status(kind, text, linkKey),
//            conflicts(state.conflicts), errors(state.blocked), closed(message, keys),
//            version(base)
// transport: save(base, changes, timeoutMs) -> {status, body, failed, redirected},
//            token() -> HTTP status of a fresh CSRF token's request (0 if none came)
// clock:     now(), after(ms, fn) -> handle, cancel(handle)

import {
  adopt, choose, edit, isClean, newState, rebase, refused, same, saved, sendable, snapshot,
} from "./changes.js";
import { MESSAGES, SLOW_MS, TIMEOUT_MS, backoff, classify } from "./network.js";

// Sent at most PAUSE_MS after typing stops, and at least every EVERY_MS while it goes on.
export const PAUSE_MS = 1000;
export const EVERY_MS = 2000;
// How often an open tab looks for closed tabs' entries (and, without Web Locks, shows
// that it is alive).
export const LOOK_EVERY_MS = 10_000;

export class Editor {
  constructor({ base, values, store, transport, clock, online, view, noteLimit = Infinity, random = Math.random }) {
    this.state = newState(base, values);
    Object.assign(this, { store, transport, clock, online, view, noteLimit, random });
    this.timer = null;
    this.dueBy = null;
    this.inflight = null;
    this.attempt = 0;
    this.savedText = "All changes saved.";
    this.looking = null;
    this.lookAgain = null;
    this.lookDelay = 500;
    this.stopped = false;
    // Closed elsewhere (submitted, stepped back, cancelled): this tab sends nothing more.
    this.closed = false;
  }

  /** Take this tab's lock, then every closed tab's text; look again now and then. */
  async start() {
    await this.store.start();
    await this.adoptClosedTabs();
    const look = () => {
      this.looking = this.clock.after(LOOK_EVERY_MS, () => {
        if (this.stopped || this.closed) return;
        this.store.heartbeat();
        this.adoptClosedTabs();
        look();
      });
    };
    look();
  }

  /** The tab is going away: nothing more is sent or kept by it. */
  stop() {
    this.stopped = true;
    [this.timer, this.looking, this.lookAgain].forEach((handle) => this.clock.cancel(handle));
    this.store.release();
  }

  // ---- typing ---------------------------------------------------------------------------

  /** A field changed without the person typing in it (a rating's "not assessed" pair). */
  edit(key, value) {
    if (this.closed) return;
    edit(this.state, key, value);
  }

  /** The person changed a field: keep it on the device, and send it soon. */
  typed(key, value) {
    if (this.closed) return;
    edit(this.state, key, value);
    if (typeof value === "string" && value.length > this.noteLimit) {
      this.state.blocked[key] = `This text has ${value.length.toLocaleString()} characters; the limit is ${this.noteLimit.toLocaleString()}. Shorten it to save it: it stays here meanwhile.`;
    }
    this.keep();
    this.view.errors(this.state.blocked);
    if (key in this.state.conflicts) this.view.conflicts(this.state.conflicts);
    this.showIdle();
    this.pace();
  }

  /** Send PAUSE_MS after the last change, but no later than EVERY_MS after the first unsent one. */
  pace() {
    const now = this.clock.now();
    if (this.dueBy === null) this.dueBy = now + EVERY_MS;
    this.schedule(Math.max(0, Math.min(PAUSE_MS, this.dueBy - now)));
  }

  schedule(delay) {
    this.clock.cancel(this.timer);
    this.timer = this.clock.after(delay, () => {
      this.timer = null;
      this.flush();
    });
  }

  /** Send what is unsent now (after the save in flight, if any). */
  flush() {
    if (!this.inflight) {
      this.inflight = this.send().finally(() => { this.inflight = null; });
    }
    return this.inflight;
  }

  // ---- saving ---------------------------------------------------------------------------

  async send() {
    if (this.stopped || this.closed) return;
    const toSend = sendable(this.state);
    if (toSend.length === 0) {
      this.showIdle();
      return;
    }
    if (!this.online()) {
      this.retry("offline");
      return;
    }
    this.dueBy = null;
    const changes = Object.fromEntries(toSend.map((k) => [k, this.state.pending[k]]));
    this.view.status("saving", "Saving…");
    // A hung server is told within seconds, while the request still has its chance.
    const slow = this.clock.after(SLOW_MS, () => {
      if (!this.stopped && !this.closed) this.view.status("unreachable", MESSAGES.slow);
    });
    const answer = await this.transport.save(this.state.base, changes, TIMEOUT_MS);
    this.clock.cancel(slow);
    if (this.stopped) return;
    const body = answer.body || {};
    const kind = classify({ ...answer, body, online: this.online() });
    if (["saved", "conflict", "closed", "invalid", "refused"].includes(kind)) this.attempt = 0;
    const { state } = this;

    if (kind === "saved") {
      this.showAll(saved(state, changes, body.version, body.stored || {}, body.errors || {}));
      this.savedText = `Saved at ${body.saved_label || body.saved_at}.`;
      this.settled();
    } else if (kind === "conflict") {
      this.showAll(rebase(state, body.stored, body.version));
      this.keep();
      this.view.conflicts(state.conflicts);
      this.showIdle();
      if (sendable(state).length) this.schedule(0);
    } else if (kind === "closed") {
      this.strand(body);
    } else if (kind === "invalid") {
      Object.entries(body.errors).forEach(([k, message]) => { if (k in changes) state.blocked[k] = message; });
      this.settled();
    } else if (kind === "refused") {
      refused(state, changes, body.error || `The server refused this change (error ${answer.status}).`);
      this.keep();
      this.view.errors(state.blocked);
      this.showIdle();
    } else if (kind === "token") {
      const status = await this.transport.token();
      if (this.stopped) return;
      if (status === 401) this.signedOut();
      else if (status === 200) this.schedule(0);
      else this.retry(this.online() ? "unreachable" : "offline");
    } else if (kind === "signed-out") {
      this.signedOut();
    } else {
      this.retry(kind);
    }
  }

  /** After an answer that stored something: keep, show, and send what waits. */
  settled() {
    this.keep();
    this.view.errors(this.state.blocked);
    this.showIdle();
    if (sendable(this.state).length) this.pace();
  }

  retry(kind) {
    this.view.status(kind, MESSAGES[kind]);
    this.schedule(backoff(this.attempt, this.random));
    this.attempt += 1;
  }

  signedOut() {
    this.view.status("signed-out", "");
    this.schedule(backoff(this.attempt, this.random));
    this.attempt += 1;
  }

  /**
   * The scorecard was closed elsewhere (submitted, stepped back from, cancelled) while
   * this tab held unsent text. What the server holds already is done with; the rest is
   * kept on the device, marked stranded, for the tab that opens the scorecard after an
   * amendment. This tab stops sending and lets go of its entry.
   */
  strand(body) {
    const { state } = this;
    const stored = body.stored || {};
    Object.keys(state.pending).forEach((key) => {
      if (!(key in state.conflicts) && key in stored && same(stored[key], state.pending[key])) {
        delete state.pending[key];
        delete state.origin[key];
      }
    });
    state.blocked = {};
    state.stranded = true;
    this.closed = true;
    [this.timer, this.looking, this.lookAgain].forEach((handle) => this.clock.cancel(handle));
    this.keep();
    this.store.release();
    this.view.closed(body.error || "This scorecard was closed elsewhere.", Object.keys(state.pending));
  }

  /** The server says the scorecard is no longer open: send what is unsent, to learn its fate. */
  remoteClosed() {
    if (this.closed || this.stopped) return;
    if (Object.keys(this.state.pending).length) this.flush();
    else this.strand({ error: "This scorecard was closed elsewhere (another tab or device)." });
  }

  showAll(values) {
    Object.entries(values).forEach(([key, value]) => this.view.write(key, value));
  }

  /** Keep this tab's unsent state on the device (or clear it when there is none). */
  keep() {
    const { state } = this;
    if (isClean(state) && !Object.keys(state.blocked).length) {
      this.store.clear();
    } else if (!this.store.write(snapshot(state))) {
      this.view.status("error", "This device could not keep a copy (storage is full or blocked): keep this tab open until saved.");
    }
    this.view.version(state.base);
  }

  /** Say what is true of the changes now: never "saved" for text the server lacks. */
  showIdle() {
    if (this.closed || this.stopped) return;
    const { state, view } = this;
    const conflicts = Object.keys(state.conflicts);
    const blocked = Object.keys(state.blocked).length;
    if (conflicts.length) {
      const what = conflicts.length === 1 ? `${view.label(conflicts[0])} was` : `${conflicts.length} fields were`;
      view.status("conflict", `Not saved: ${what} changed elsewhere too. Choose what to keep at the field; you can go on typing meanwhile.`, conflicts[0]);
    } else if (blocked) {
      view.status("error", `Not saved: ${blocked === 1 ? "a field was" : `${blocked} fields were`} refused (see the message at ${blocked === 1 ? "it" : "each"}). Your text is kept on this device.`);
    } else if (Object.keys(state.pending).length) {
      view.status("pending", "Unsaved changes…");
    } else {
      view.status("saved", this.savedText);
    }
  }

  // ---- conflicts ------------------------------------------------------------------------

  /** The person chose for a conflict; the field's text at this moment is "mine". */
  decide(key, choice) {
    if (this.closed || !(key in this.state.conflicts)) return;
    this.view.write(key, choose(this.state, key, choice, this.view.read(key)));
    this.keep();
    this.view.conflicts(this.state.conflicts);
    this.showIdle();
    this.schedule(0);
  }

  // ---- closed tabs ----------------------------------------------------------------------

  /**
   * Take over every closed tab's entry. A tab that has just closed may still hold its
   * lock for a moment: look again soon, and every 2 s while it does.
   */
  async adoptClosedTabs() {
    if (this.stopped || this.closed) return;
    const held = await this.store.adoptClosed((entry) => {
      this.showAll(adopt(this.state, entry));
      this.keep();
    });
    if (this.stopped || this.closed) return;
    this.clock.cancel(this.lookAgain);
    if (held) {
      this.lookAgain = this.clock.after(this.lookDelay, () => this.adoptClosedTabs());
      this.lookDelay = Math.min(this.lookDelay * 2, 2_000);
    } else {
      this.lookDelay = 500;
    }
    this.view.conflicts(this.state.conflicts);
    this.view.errors(this.state.blocked);
    this.showIdle();
    if (sendable(this.state).length) this.schedule(0);
  }

  // ---- submitting -----------------------------------------------------------------------

  /**
   * Save everything before a submit. Returns the unsent text that other open tabs on this
   * device hold: [{key, label, chars, entry}], for the person to include or leave.
   */
  async prepareSubmit() {
    this.clock.cancel(this.timer);
    if (this.inflight) await this.inflight;
    await this.adoptClosedTabs();
    await this.flush();
    const others = [];
    this.store.others().forEach((entry) => {
      Object.entries(entry.pending || {}).forEach(([key, value]) => {
        if (key in this.state.synced && !same(value, this.state.synced[key])) {
          others.push({ key, label: this.view.label(key), chars: String(value ?? "").length, entry });
        }
      });
    });
    return others;
  }

  /** Take other open tabs' unsent text into this tab, as if they had closed, and save it. */
  async include(others) {
    const entries = [...new Set(others.map((o) => o.entry))];
    entries.forEach((entry) => this.showAll(adopt(this.state, { ...entry, stranded: false })));
    this.keep();
    this.view.conflicts(this.state.conflicts);
    await this.flush();
    this.showIdle();
  }

  /** Whether everything this tab holds is on the server, so that a submit may go. */
  ready() {
    return !this.closed && isClean(this.state) && !Object.keys(this.state.blocked).length;
  }
}
