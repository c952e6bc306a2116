// A simulated world for the live scorecard's sync logic: one server that follows the
// real save, rebase, submit and amend protocol, devices each with their own storage,
// Web Locks, network and session, tabs running the real Editor (static/js/scorecard/
// sync.js), requests that arrive, fail or lose their answer in any order, and a clock
// that only moves when told. The model-based test (model.test.js) drives it.

import { Editor } from "../../static/js/scorecard/sync.js";
import { TabStore } from "../../static/js/scorecard/tabs.js";

/** Let every promise continuation that can run, run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));

export class Clock {
  constructor() {
    this.t = 0;
    this.timers = [];
    this.seq = 0;
  }

  now() { return this.t; }

  after(ms, fn) {
    const timer = { at: this.t + Math.max(0, ms || 0), seq: (this.seq += 1), fn, live: true };
    this.timers.push(timer);
    return timer;
  }

  cancel(timer) { if (timer) timer.live = false; }

  next() {
    this.timers = this.timers.filter((t) => t.live);
    return this.timers.reduce((a, b) => (!a || b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a), null);
  }

  /** Move time on by `ms`, firing each timer due in its turn. */
  async advance(ms) {
    const end = this.t + ms;
    for (let fired = 0; fired < 10_000; fired += 1) {
      const due = this.next();
      if (!due || due.at > end) break;
      due.live = false;
      this.t = Math.max(this.t, due.at);
      due.fn();
      await settle();
    }
    this.t = end;
  }
}

export class MemoryStorage {
  constructor() { this.map = new Map(); }
  get length() { return this.map.size; }
  key(i) { return [...this.map.keys()][i] ?? null; }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
}

/** Web Locks as a browser grants them within one device: a held name is nobody else's. */
export class Locks {
  constructor() { this.held = new Set(); }

  async request(name, options, callback) {
    if (typeof options === "function") { callback = options; options = {}; }
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      throw new Error("the simulated locks do not queue");
    }
    this.held.add(name);
    const result = callback({ name });
    if (result && typeof result.then === "function") {
      result.then(() => this.held.delete(name));
      return undefined;
    }
    this.held.delete(name);
    return result;
  }

  /** What closing the tab that holds `name` does. */
  release(name) { this.held.delete(name); }
}

/** The server's side of one scorecard, as hiring/scorecards/operations.py keeps it. */
export class Server {
  constructor(keys) {
    this.values = Object.fromEntries(keys.map((k) => [k, ""]));
    this.version = 0;
    this.open = true;
    this.history = [{ ...this.values }];
    this.reachable = true;
  }

  bump() {
    this.version += 1;
    this.history[this.version] = { ...this.values };
  }

  save(base, changes) {
    const stored = { ...this.values };
    if (!this.open) {
      return { status: 409, body: { error: "This scorecard was submitted meanwhile.", closed: true, stored, version: this.version } };
    }
    if (base !== this.version) {
      return { status: 409, body: { error: "Changed elsewhere.", stored, version: this.version } };
    }
    Object.assign(this.values, changes);
    this.bump();
    return { status: 200, body: { version: this.version, saved_at: "now", saved_label: "now", stored: {}, errors: {} } };
  }

  /** A submit on the version the page last saved: refused when anything moved since. */
  submit(seen) {
    if (!this.open || seen !== this.version) return false;
    this.open = false;
    this.bump();
    return true;
  }

  amend() {
    if (this.open) return false;
    this.open = true;
    this.bump();
    return true;
  }
}

/** What one tab's page shows: its fields, status line, conflicts and refusals. */
export class View {
  constructor(values) {
    this.values = { ...values };
    this.kind = "saved";
    this.text = "";
    this.held = {};
    this.blocked = {};
    this.closedWith = null;
  }

  read(key) { return this.values[key]; }
  write(key, value) { this.values[key] = value; }
  label(key) { return key; }
  status(kind, text) { this.kind = kind; this.text = text; }
  conflicts(held) { this.held = JSON.parse(JSON.stringify(held)); }
  errors(blocked) { this.blocked = { ...blocked }; }
  closed(message) { this.kind = "closed"; this.closedWith = message; }
  version() {}
}

export const FIELDS = ["item:1:notes", "summary"];

export class World {
  constructor({ devices = 2, withoutLocks = [] } = {}) {
    this.clock = new Clock();
    this.server = new Server(FIELDS);
    this.devices = Array.from({ length: devices }, (_, n) => ({
      n,
      storage: new MemoryStorage(),
      // A device without Web Locks (an insecure origin) tells closed tabs by their age.
      locks: withoutLocks.includes(n) ? null : new Locks(),
      online: true,
      signedIn: true,
    }));
    this.tabs = [];
    this.requests = [];
    this.typed = new Map(); // token -> field it was typed in
    this.discarded = new Set(); // tokens a person chose to drop
    this.log = [];
    this.tabCount = 0;
  }

  reaches(device) {
    return device.online && this.server.reachable;
  }

  openTabs() {
    return this.tabs.filter((t) => !t.gone);
  }

  /** Open the scorecard in a new tab of `device`: an editable page while it is open. */
  async open(device) {
    if (!this.reaches(device) || !device.signedIn || !this.server.open) return null;
    this.tabCount += 1;
    const view = new View(this.server.values);
    const tab = { id: this.tabCount, device, view, gone: false };
    const world = this;
    tab.editor = new Editor({
      base: this.server.version,
      values: { ...this.server.values },
      store: new TabStore({
        scorecardId: 1,
        storage: device.storage,
        locks: device.locks,
        now: () => this.clock.now(),
        tabId: `t${this.tabCount}`,
      }),
      transport: {
        save(base, changes, timeoutMs) {
          return new Promise((resolve) => {
            const request = { tab, base, changes: { ...changes }, resolve, answered: false };
            world.requests.push(request);
            request.limit = world.clock.after(timeoutMs, () => world.answer(request, { failed: true }));
          });
        },
        async token() { return 200; },
      },
      clock: this.clock,
      online: () => device.online,
      view,
      random: () => 0.5,
    });
    this.tabs.push(tab);
    await tab.editor.start();
    await settle();
    return tab;
  }

  close(tab, flushFirst) {
    if (tab.gone) return;
    if (flushFirst) tab.editor.flush();
    tab.editor.stop();
    tab.gone = true;
  }

  answer(request, response) {
    if (request.answered) return;
    request.answered = true;
    this.clock.cancel(request.limit);
    request.resolve(response);
  }

  /** A request reaches the server, which applies it; its answer reaches the tab unless `lost`. */
  deliver(request, lost = false) {
    const { device } = request.tab;
    if (!this.reaches(device)) return false;
    this.requests = this.requests.filter((r) => r !== request);
    const response = device.signedIn
      ? this.server.save(request.base, request.changes)
      : { status: 401, body: { error: "Please sign in again." } };
    this.answer(request, lost ? { failed: true } : response);
    return true;
  }

  /** A request is lost on the way: it never reaches the server. */
  drop(request) {
    this.requests = this.requests.filter((r) => r !== request);
    this.answer(request, { failed: true });
  }

  setOnline(device, online) {
    device.online = online;
    if (!online) this.requests.filter((r) => r.tab.device === device).forEach((r) => this.drop(r));
  }

  /** Run `promise` to its end as a person would wait for it: requests arrive, time passes. */
  async drive(promise) {
    let done = false;
    promise.then(() => { done = true; }, () => { done = true; });
    for (let step = 0; step < 400 && !done; step += 1) {
      await settle();
      if (done) break;
      const request = this.requests.find((r) => this.reaches(r.tab.device));
      if (request) this.deliver(request);
      else await this.clock.advance(1_000);
    }
    await settle();
    return done;
  }

  /** Every device online and signed in, the server answering; let every tab finish. */
  async quiesce() {
    this.server.reachable = true;
    this.devices.forEach((d) => { d.online = true; d.signedIn = true; });
    for (let round = 0; round < 300; round += 1) {
      await settle();
      while (this.requests.length) {
        this.deliver(this.requests[0]);
        await settle();
      }
      const busy = this.openTabs().some((t) => !t.editor.closed && (t.editor.inflight || hasSendable(t.editor)));
      if (!busy && round > 2) break;
      await this.clock.advance(busy ? 1_000 : 61_000);
    }
  }

  /** Every token typed and not dropped by a choice: where it is now, or null if lost. */
  lostTokens() {
    const lost = [];
    this.typed.forEach((field, token) => {
      if (this.discarded.has(token)) return;
      if (!String(this.server.values[field]).includes(token)) lost.push(`${token} in ${field}`);
    });
    return lost;
  }

  /** A tab that says "saved" shows exactly what the server held at that tab's version. */
  falselySaved() {
    return this.openTabs()
      .filter((t) => !t.editor.closed && t.view.kind === "saved")
      .filter((t) => FIELDS.some((k) => t.view.values[k] !== this.server.history[t.editor.state.base][k]))
      .map((t) => `tab ${t.id} says saved at version ${t.editor.state.base} but shows ${JSON.stringify(t.view.values)} where the server held ${JSON.stringify(this.server.history[t.editor.state.base])}`);
  }
}

function hasSendable(editor) {
  const { pending, conflicts, blocked } = editor.state;
  return Object.keys(pending).some((k) => !(k in conflicts) && !(k in blocked));
}

export const tokensIn = (text) => String(text ?? "").match(/<\d+>/g) || [];
