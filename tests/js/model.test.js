// No word lost, as a property: any number of tabs on two devices, each device with its
// own storage and network, against a server that follows the real protocol; commands in
// any order (type anywhere, pause, go offline, lose the server, close, open, reload,
// choose for a conflict, submit, amend, the session ends). After every sequence, with
// every device back and every tab settled, every character typed is on the server, or
// was dropped by a person's explicit choice; and no tab ever said "saved" for text the
// server did not hold. fast-check shrinks a failure to its shortest sequence; FC_SEED
// replays one, FC_RUNS sets how many sequences run.

import assert from "node:assert/strict";
import { test } from "node:test";

import fc from "fast-check";

import { FIELDS, World, settle, tokensIn } from "./world.js";

const pick = (list, n) => (list.length ? list[n % list.length] : null);

class Cmd {
  check() { return true; }
  async run(_model, world) {
    await this.act(world);
    await settle();
    world.log.push(this.toString());
    const false_ = world.falselySaved();
    assert.deepEqual(false_, [], `after ${this}: ${false_.join("; ")}`);
  }
}

class Type extends Cmd {
  constructor(tab, field, at, newline) { super(); Object.assign(this, { tab, field, at, newline }); }
  async act(world) {
    const tab = pick(world.openTabs(), this.tab);
    if (!tab || tab.editor.closed) return;
    const key = FIELDS[this.field];
    const token = `<${world.typed.size + 1}>`;
    world.typed.set(token, key);
    const text = String(tab.view.read(key) ?? "");
    // Typed between words, never inside one, so that each token stays whole.
    const bounds = [0, ...[...text.matchAll(/<\d+>/g)].map((m) => m.index + m[0].length)];
    const at = bounds[this.at % bounds.length];
    const value = `${text.slice(0, at)}${this.newline ? "\n" : " "}${token}${text.slice(at)}`;
    tab.view.write(key, value);
    tab.editor.typed(key, value);
  }
  toString() { return `type(tab ${this.tab}, ${FIELDS[this.field]}, at ${this.at}${this.newline ? ", new line" : ""})`; }
}

class Pause extends Cmd {
  constructor(ms) { super(); this.ms = ms; }
  async act(world) { await world.clock.advance(this.ms); }
  toString() { return `pause(${this.ms} ms)`; }
}

class Deliver extends Cmd {
  constructor(n, lost) { super(); Object.assign(this, { n, lost }); }
  async act(world) {
    const request = pick(world.requests, this.n);
    if (request) world.deliver(request, this.lost);
  }
  toString() { return this.lost ? `server applies request ${this.n}, answer lost` : `deliver(request ${this.n})`; }
}

class Online extends Cmd {
  constructor(device, online) { super(); Object.assign(this, { device, online }); }
  async act(world) { world.setOnline(world.devices[this.device], this.online); }
  toString() { return `device ${this.device} ${this.online ? "online" : "offline"}`; }
}

class Reachable extends Cmd {
  constructor(reachable) { super(); this.reachable = reachable; }
  async act(world) { world.server.reachable = this.reachable; }
  toString() { return `server ${this.reachable ? "back" : "unreachable"}`; }
}

class Session extends Cmd {
  constructor(device, signedIn) { super(); Object.assign(this, { device, signedIn }); }
  async act(world) { world.devices[this.device].signedIn = this.signedIn; }
  toString() { return `device ${this.device} ${this.signedIn ? "signs in again" : "session ends"}`; }
}

class Open extends Cmd {
  constructor(device) { super(); this.device = device; }
  async act(world) { await world.open(world.devices[this.device]); }
  toString() { return `open a tab on device ${this.device}`; }
}

class Close extends Cmd {
  constructor(tab, flushFirst, reopen) { super(); Object.assign(this, { tab, flushFirst, reopen }); }
  async act(world) {
    const tab = pick(world.openTabs(), this.tab);
    if (!tab) return;
    world.close(tab, this.flushFirst);
    await settle();
    if (this.reopen) await world.open(tab.device);
  }
  toString() { return `${this.reopen ? "reload" : "close"} tab ${this.tab}${this.flushFirst ? " (sends on its way out)" : ""}`; }
}

class Choose extends Cmd {
  constructor(tab, n, choice) { super(); Object.assign(this, { tab, n, choice }); }
  async act(world) {
    const tab = pick(world.openTabs().filter((t) => Object.keys(t.editor.state.conflicts).length), this.tab);
    if (!tab) return;
    await choose(world, tab, pick(Object.keys(tab.editor.state.conflicts), this.n), this.choice);
  }
  toString() { return `choose ${this.choice} (tab ${this.tab}, conflict ${this.n})`; }
}

async function choose(world, tab, key, choice) {
  const before = [...tokensIn(tab.view.read(key)), ...tokensIn(tab.editor.state.conflicts[key].theirs)];
  tab.editor.decide(key, choice);
  const after = new Set(tokensIn(tab.view.read(key)));
  // "Keep mine" drops theirs, "Keep theirs" drops mine: by the person's choice.
  before.filter((t) => !after.has(t)).forEach((t) => world.discarded.add(t));
  await settle();
}

class Submit extends Cmd {
  constructor(tab, include) { super(); Object.assign(this, { tab, include }); }
  async act(world) {
    const tab = pick(world.openTabs().filter((t) => !t.editor.closed), this.tab);
    if (!tab) return;
    const { editor, device } = tab;
    let others = [];
    if (!(await world.drive(editor.prepareSubmit().then((found) => { others = found; })))) return;
    if (!editor.ready()) return;
    if (this.include && others.length) {
      if (!(await world.drive(editor.include(others)))) return;
      if (!editor.ready()) return;
    }
    if (!world.reaches(device) || !device.signedIn) return;
    // The form is posted: the page goes, and comes back read-only or with the refusal.
    editor.store.clear();
    world.close(tab, false);
    if (!world.server.submit(editor.state.base)) await world.open(device);
  }
  toString() { return `submit from tab ${this.tab}${this.include ? ", including other tabs' text" : ", leaving other tabs' text"}`; }
}

class Amend extends Cmd {
  constructor(device) { super(); this.device = device; }
  async act(world) {
    const device = world.devices[this.device];
    if (!world.reaches(device) || !device.signedIn || !world.server.amend()) return;
    await world.open(device);
  }
  toString() { return `amend on device ${this.device}`; }
}

class Poll extends Cmd {
  constructor(tab) { super(); this.tab = tab; }
  async act(world) {
    const tab = pick(world.openTabs(), this.tab);
    if (tab && world.reaches(tab.device) && !world.server.open) tab.editor.remoteClosed();
  }
  toString() { return `tab ${this.tab} polls the server`; }
}

const tabN = fc.nat(5);
const device = fc.nat(1);
const type = fc.tuple(tabN, fc.nat(FIELDS.length - 1), fc.nat(6), fc.boolean()).map(([t, f, a, n]) => new Type(t, f, a, n));
const pause = fc.constantFrom(100, 700, 1_000, 2_500, 12_000, 61_000).map((ms) => new Pause(ms));
const deliver = fc.nat(3).map((n) => new Deliver(n, false));
// Typing, time passing and requests arriving are what happens most; the rest interleaves.
const commands = [
  type, type, type, type,
  pause, pause,
  deliver, deliver,
  fc.tuple(fc.nat(3), fc.boolean()).map(([n, lost]) => new Deliver(n, lost)),
  fc.tuple(device, fc.boolean()).map(([d, on]) => new Online(d, on)),
  fc.boolean().map((r) => new Reachable(r)),
  fc.tuple(device, fc.boolean()).map(([d, s]) => new Session(d, s)),
  device.map((d) => new Open(d)),
  fc.tuple(tabN, fc.boolean(), fc.boolean()).map(([t, f, r]) => new Close(t, f, r)),
  fc.tuple(tabN, fc.nat(2), fc.constantFrom("mine", "theirs", "merge")).map(([t, n, c]) => new Choose(t, n, c)),
  fc.tuple(tabN, fc.boolean()).map(([t, i]) => new Submit(t, i)),
  device.map((d) => new Amend(d)),
  tabN.map((t) => new Poll(t)),
];

/**
 * The end of every sequence: everyone back online and signed in, every tab settled. A
 * submitted scorecard is amended (what was stranded is offered then), each device opens
 * the scorecard once more (what closed tabs left is taken over), and every conflict still
 * open is merged, as a person would settle them. Nothing typed may be missing then.
 */
async function finish(world) {
  await world.quiesce();
  if (!world.server.open) world.server.amend();
  for (const d of world.devices) await world.open(d);
  await world.quiesce();
  for (let round = 0; round < 6; round += 1) {
    const torn = world.openTabs().filter((t) => !t.editor.closed && Object.keys(t.editor.state.conflicts).length);
    if (!torn.length) break;
    for (const tab of torn) {
      for (const key of Object.keys(tab.editor.state.conflicts)) await choose(world, tab, key, "merge");
    }
    await world.quiesce();
  }
}

const runs = Number(process.env.FC_RUNS || 3000);
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

test("no word typed in any tab on any device is lost, whatever happens in between", async () => {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 60, size: "max" }), fc.boolean(), async (cmds, noLocks) => {
      const world = new World({ devices: 2, withoutLocks: noLocks ? [1] : [] });
      await world.open(world.devices[0]);
      await fc.asyncModelRun(() => ({ model: {}, real: world }), cmds);
      await finish(world);
      const conflicts = world.openTabs().filter((t) => !t.editor.closed && Object.keys(t.editor.state.conflicts).length);
      assert.deepEqual(conflicts.map((t) => t.id), [], "conflicts still open after merging them all");
      assert.deepEqual(world.lostTokens(), [], `lost after: ${world.log.join(" → ")}`);
    }),
    { numRuns: runs, seed, verbose: 1, includeErrorInReport: true },
  );
});
