// When a tab sends: within a second of a pause, at least every two seconds while typing
// goes on; a hung server is named within seconds; a tab learns it was closed elsewhere.
import assert from "node:assert/strict";
import { test } from "node:test";

import { EVERY_MS, PAUSE_MS } from "../../static/js/scorecard/sync.js";
import { SLOW_MS } from "../../static/js/scorecard/network.js";
import { World, settle } from "./world.js";

/** Type a key every `everyMs`; the server answers each save as soon as it is sent. */
async function typeSteadily(world, tab, keys, everyMs) {
  let text = "";
  for (let n = 0; n < keys; n += 1) {
    text += "x";
    tab.view.write("summary", text);
    tab.editor.typed("summary", text);
    for (let ms = 0; ms < everyMs; ms += 10) {
      await world.clock.advance(10);
      world.requests.forEach((r) => world.deliver(r));
      await settle();
    }
  }
}

test("typing steadily at five keys a second still sends at least every two seconds", async () => {
  const world = new World({ devices: 1 });
  const tab = await world.open(world.devices[0]);
  const sentAt = [];
  const save = tab.editor.transport.save;
  tab.editor.transport.save = (...args) => { sentAt.push(world.clock.now()); return save(...args); };
  await typeSteadily(world, tab, 40, 200); // 8 s of typing
  assert.ok(sentAt.length >= 3, `sent ${sentAt.length} times in 8 s`);
  const gaps = sentAt.map((t, n) => t - (sentAt[n - 1] ?? 0));
  assert.ok(Math.max(...gaps) <= EVERY_MS, `gaps ${gaps}`);
});

test("after a pause the text goes within a second", async () => {
  const world = new World({ devices: 1 });
  const tab = await world.open(world.devices[0]);
  tab.view.write("summary", "a");
  tab.editor.typed("summary", "a");
  await world.clock.advance(PAUSE_MS - 1);
  assert.equal(world.requests.length, 0);
  await world.clock.advance(1);
  assert.equal(world.requests.length, 1);
});

test("a server that does not answer is named within seconds, and the text stays unsent", async () => {
  const world = new World({ devices: 1 });
  const tab = await world.open(world.devices[0]);
  tab.view.write("summary", "a");
  tab.editor.typed("summary", "a");
  await world.clock.advance(PAUSE_MS);
  assert.equal(tab.view.kind, "saving");
  await world.clock.advance(SLOW_MS);
  assert.equal(tab.view.kind, "unreachable");
  assert.match(tab.view.text, /Server not answering yet/);
  assert.equal(tab.editor.state.pending.summary, "a");
});

test("a tab told the scorecard was submitted elsewhere keeps what the server lacks, and lets go of it", async () => {
  const world = new World({ devices: 1 });
  const tab = await world.open(world.devices[0]);
  world.server.submit(world.server.version);
  tab.view.write("summary", "after the submit");
  tab.editor.typed("summary", "after the submit");
  await world.clock.advance(PAUSE_MS);
  world.deliver(world.requests[0]);
  await settle();
  assert.equal(tab.view.kind, "closed");
  const [entry] = [...world.devices[0].storage.map.values()].map((v) => JSON.parse(v));
  assert.equal(entry.stranded, true);
  assert.equal(entry.pending.summary, "after the submit");
  // Its lock is free: the tab that opens the amended scorecard takes the text over.
  world.server.amend();
  const next = await world.open(world.devices[0]);
  assert.deepEqual(Object.keys(next.editor.state.conflicts), ["summary"]);
  assert.equal(next.view.read("summary"), "after the submit");
});
