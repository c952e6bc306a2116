// Each tab's own entry on the device, and the hand-over of closed tabs' entries.
import assert from "node:assert/strict";
import { test } from "node:test";

import { STALE_MS, TabStore } from "../../static/js/scorecard/tabs.js";
import { Locks, MemoryStorage } from "./world.js";

const entry = (text) => ({ base: 1, pending: { "item:1:notes": text }, origin: { "item:1:notes": "" } });

test("tabs write under their own keys and never overwrite each other", () => {
  const storage = new MemoryStorage();
  const one = new TabStore({ scorecardId: 4, storage, tabId: "one" });
  const two = new TabStore({ scorecardId: 4, storage, tabId: "two" });
  one.write(entry("from one"));
  two.write(entry("from two"));
  assert.equal(one.read(one.key).pending["item:1:notes"], "from one");
  assert.equal(two.read(two.key).pending["item:1:notes"], "from two");
});

test("an open tab's entry is not taken; a closed tab's is, once", async () => {
  const storage = new MemoryStorage();
  const locks = new Locks();
  const open = new TabStore({ scorecardId: 4, storage, locks, tabId: "open" });
  const closed = new TabStore({ scorecardId: 4, storage, locks, tabId: "closed" });
  await open.start();
  await closed.start();
  open.write(entry("still typing"));
  closed.write(entry("left behind"));
  locks.release(closed.lockName("closed")); // the tab closed

  const taker = new TabStore({ scorecardId: 4, storage, locks, tabId: "taker" });
  await taker.start();
  const taken = [];
  const held = await taker.adoptClosed((e) => taken.push(e.pending["item:1:notes"]));
  assert.deepEqual(taken, ["left behind"]);
  assert.equal(held, 1, "the open tab's entry is reported as held");
  assert.equal(storage.getItem(closed.key), null);
  assert.notEqual(storage.getItem(open.key), null);

  const second = [];
  await taker.adoptClosed((e) => second.push(e));
  assert.deepEqual(second, []);
});

test("other scorecards' entries and the timer are left alone", async () => {
  const storage = new MemoryStorage();
  storage.setItem("scorecard:5:tab:x", JSON.stringify(entry("other scorecard")));
  storage.setItem("scorecard:4:started", "12345");
  const taker = new TabStore({ scorecardId: 4, storage, locks: new Locks(), tabId: "t" });
  const taken = [];
  await taker.adoptClosed((e) => taken.push(e));
  assert.deepEqual(taken, []);
  assert.equal(storage.length, 2);
});

test("the first release's single entry is taken over", async () => {
  const storage = new MemoryStorage();
  storage.setItem("scorecard:4", JSON.stringify(entry("kept by the old page")));
  const taker = new TabStore({ scorecardId: 4, storage, locks: new Locks(), tabId: "t" });
  const taken = [];
  await taker.adoptClosed((e) => taken.push(e.pending["item:1:notes"]));
  assert.deepEqual(taken, ["kept by the old page"]);
  assert.equal(storage.getItem("scorecard:4"), null);
});

test("without Web Locks, only entries not refreshed for a while count as closed", async () => {
  const storage = new MemoryStorage();
  let now = 1_000_000;
  const clock = () => now;
  const alive = new TabStore({ scorecardId: 4, storage, now: clock, tabId: "alive" });
  const gone = new TabStore({ scorecardId: 4, storage, now: clock, tabId: "gone" });
  gone.write(entry("left behind"));
  now += STALE_MS + 1;
  alive.write(entry("still here"));
  const taker = new TabStore({ scorecardId: 4, storage, now: clock, tabId: "taker" });
  const taken = [];
  await taker.adoptClosed((e) => taken.push(e.pending["item:1:notes"]));
  assert.deepEqual(taken, ["left behind"]);
});

test("a device that refuses to store says so", () => {
  const storage = new MemoryStorage();
  storage.setItem = () => { throw new Error("QuotaExceededError"); };
  const tab = new TabStore({ scorecardId: 4, storage, tabId: "t" });
  assert.equal(tab.write(entry("x")), false);
});
