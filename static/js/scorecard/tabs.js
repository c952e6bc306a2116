// Each tab keeps its own unsent changes on the device, under its own key, so that no tab
// ever overwrites another's. A tab that closes (or crashes) leaves its entry behind; the
// next tab to open the scorecard takes it over.
//
// Which entries belong to closed tabs: every open tab holds a Web Lock named after its
// entry for as long as it lives, and a taker claims an entry by taking that lock, which
// it gets only once the owner is gone and no other taker holds it. Where Web Locks are
// missing (an insecure origin), an entry not refreshed for STALE_MS counts as closed.

export const STALE_MS = 90_000;
export const HEARTBEAT_MS = 15_000;

const randomId = () =>
  (globalThis.crypto && crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`)
    .replace(/[^a-z0-9-]/gi, "");

export class TabStore {
  constructor({ scorecardId, storage, locks = null, now = Date.now, tabId = randomId() }) {
    this.prefix = `scorecard:${scorecardId}:tab:`;
    // Where the first release kept every tab's changes under one key.
    this.legacyKey = `scorecard:${scorecardId}`;
    this.storage = storage;
    this.locks = locks;
    this.now = now;
    this.tabId = tabId;
    this.key = this.prefix + tabId;
  }

  lockName(tabId) {
    return `${this.prefix}${tabId}`;
  }

  /** Hold this tab's lock for as long as the tab lives (or until `release`). */
  async start() {
    if (!this.locks) return;
    await new Promise((granted) => {
      this.locks.request(this.lockName(this.tabId), () => {
        granted();
        return new Promise((release) => { this.unlock = release; });
      });
    });
  }

  /** Let go of this tab's entry: the next tab to look takes it over. */
  release() {
    if (this.unlock) this.unlock();
    this.unlock = null;
    this.released = true;
  }

  /** Keep `snapshot` as this tab's unsent changes; false when the device refuses. */
  write(snapshot) {
    // A released entry belongs to whoever takes it over: writing it again could undo that.
    if (this.released) return true;
    try {
      this.storage.setItem(this.key, JSON.stringify({ ...snapshot, seen: this.now() }));
      return true;
    } catch (error) {
      return false;
    }
  }

  clear() {
    if (this.released) return;
    try { this.storage.removeItem(this.key); } catch (error) { /* nothing was kept */ }
  }

  /** Refresh this tab's entry, for devices without Web Locks. */
  heartbeat() {
    if (this.locks || this.released) return;
    const entry = this.read(this.key);
    if (entry) this.write(entry);
  }

  read(key) {
    try {
      const entry = JSON.parse(this.storage.getItem(key) || "null");
      return entry && typeof entry === "object" ? entry : null;
    } catch (error) {
      return null;
    }
  }

  otherKeys() {
    const keys = [];
    for (let i = 0; i < this.storage.length; i += 1) {
      const key = this.storage.key(i);
      if (key !== this.key && (key === this.legacyKey || (key && key.startsWith(this.prefix)))) {
        keys.push(key);
      }
    }
    return keys;
  }

  /** Every other tab's entry on the device, open or closed, as stored. */
  others() {
    return this.otherKeys().map((key) => this.read(key)).filter(Boolean);
  }

  /**
   * Hand every closed tab's entry to `take(entry)`, then remove it. `take` must keep
   * what it adopts (in this tab's own entry) before it returns. Returns how many entries
   * were left because their tab still holds them (or is still closing).
   */
  async adoptClosed(take) {
    let held = 0;
    for (const key of this.otherKeys()) {
      if (key === this.legacyKey || !this.locks) {
        const entry = this.read(key);
        const closed = key === this.legacyKey || !entry || entry.stranded || this.now() - (entry.seen || 0) > STALE_MS;
        if (closed) this.handOver(key, entry, take);
        else held += 1;
      } else {
        await this.locks.request(this.lockName(key.slice(this.prefix.length)), { ifAvailable: true }, (lock) => {
          if (lock) this.handOver(key, this.read(key), take);
          else held += 1;
        });
      }
    }
    return held;
  }

  handOver(key, entry, take) {
    if (entry) take(entry);
    try { this.storage.removeItem(key); } catch (error) { /* taken already */ }
  }
}
