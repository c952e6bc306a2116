// The rules that decide whether a typed word can be lost: rebase, conflicts, closed tabs.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  adopt, choose, edit, isClean, mergeText, newState, rebase, refused, saved, sendable, snapshot,
} from "../../static/js/scorecard/changes.js";

const N1 = "item:1:notes";
const N2 = "item:2:notes";
const R = "rating:5:value";

const fresh = () => newState(3, { [N1]: "", [N2]: "", [R]: null, summary: "" });

test("an edit is pending until saved, and an edit back to the stored text is nothing", () => {
  const s = fresh();
  edit(s, N1, "Asked about the refund");
  assert.deepEqual(sendable(s), [N1]);
  edit(s, N1, "");
  assert.deepEqual(sendable(s), []);
  assert.ok(isClean(s));
});

test("words typed while a save was in flight stay pending after it", () => {
  const s = fresh();
  edit(s, N1, "First words");
  const sent = { [N1]: "First words" };
  edit(s, N1, "First words and more");
  assert.deepEqual(saved(s, sent, 4), {});
  assert.equal(s.base, 4);
  assert.equal(s.pending[N1], "First words and more");
  assert.equal(s.origin[N1], "First words");
});

test("a field the server stored cleaned is shown as stored", () => {
  const s = fresh();
  edit(s, N1, "a\u0000b");
  const show = saved(s, { [N1]: "a\u0000b" }, 4, { [N1]: "ab" });
  assert.deepEqual(show, { [N1]: "ab" });
  assert.equal(s.synced[N1], "ab");
  assert.ok(isClean(s));
});

test("a refused field stays pending, is not resent unchanged, and is sent again once edited", () => {
  const s = fresh();
  edit(s, N1, "fine");
  edit(s, R, 9);
  saved(s, { [N1]: "fine", [R]: 9 }, 4, {}, { [R]: "A rating is a point of this scale: 1 to 4." });
  assert.equal(s.synced[N1], "fine");
  assert.equal(s.pending[R], 9);
  assert.deepEqual(sendable(s), []);
  edit(s, R, 3);
  assert.deepEqual(sendable(s), [R]);
});

test("a batch refused as a whole marks each of its fields", () => {
  const s = fresh();
  edit(s, N1, "x");
  edit(s, N2, "y");
  refused(s, { [N1]: "x", [N2]: "y" }, "This scorecard was submitted; it is read-only.");
  assert.deepEqual(sendable(s), []);
  assert.equal(s.blocked[N2], "This scorecard was submitted; it is read-only.");
  assert.deepEqual(s.pending, { [N1]: "x", [N2]: "y" });
});

test("after another tab saved, our edits to other fields are rebased, not conflicts", () => {
  const s = fresh();
  edit(s, N1, "mine");
  const show = rebase(s, { [N1]: "", [N2]: "theirs", [R]: null, summary: "" }, 5);
  assert.deepEqual(show, { [N2]: "theirs" });
  assert.deepEqual(s.conflicts, {});
  assert.equal(s.base, 5);
  assert.deepEqual(sendable(s), [N1]);
});

test("a field changed on both sides is a conflict, held back from sending", () => {
  const s = fresh();
  edit(s, N1, "from this tab");
  edit(s, N2, "other field");
  rebase(s, { [N1]: "from the other tab", [N2]: "", [R]: null, summary: "" }, 5);
  assert.deepEqual(s.conflicts[N1], { theirs: "from the other tab", source: "server" });
  assert.deepEqual(sendable(s), [N2]);
  assert.ok(!isClean(s));
});

test("choosing acts on the field's text at the moment of the click", () => {
  for (const [choice, expected] of [
    ["mine", "typed before and typed after"],
    ["theirs", "theirs"],
    ["merge", "theirs\n\ntyped before and typed after"],
  ]) {
    const s = fresh();
    edit(s, N1, "typed before");
    rebase(s, { [N1]: "theirs", [N2]: "", [R]: null, summary: "" }, 5);
    edit(s, N1, "typed before and typed after"); // typing goes on during the conflict
    assert.deepEqual(sendable(s), []);
    assert.equal(choose(s, N1, choice, "typed before and typed after"), expected);
    assert.deepEqual(s.conflicts, {});
    if (choice === "theirs") assert.ok(isClean(s));
    else assert.equal(s.pending[N1], expected);
  }
});

test("a conflict that changes again on the server shows the newest text", () => {
  const s = fresh();
  edit(s, N1, "mine");
  rebase(s, { [N1]: "theirs 1" }, 5);
  rebase(s, { [N1]: "theirs 2" }, 6);
  assert.equal(s.conflicts[N1].theirs, "theirs 2");
});

test("two closed tabs' changes to different fields are both taken over", () => {
  const s = fresh();
  adopt(s, { base: 3, pending: { [N1]: "tab one" }, origin: { [N1]: "" } });
  adopt(s, { base: 3, pending: { [N2]: "tab two" }, origin: { [N2]: "" } });
  assert.deepEqual(s.pending, { [N1]: "tab one", [N2]: "tab two" });
  assert.deepEqual(s.conflicts, {});
});

test("two closed tabs' changes to the same field become a conflict; merging keeps both", () => {
  const s = fresh();
  adopt(s, { pending: { [N1]: "tab one" }, origin: { [N1]: "" } });
  adopt(s, { pending: { [N1]: "tab two" }, origin: { [N1]: "" } });
  assert.deepEqual(s.conflicts[N1], { theirs: "tab two", source: "tab" });
  assert.equal(choose(s, N1, "merge", "tab one"), "tab two\n\ntab one");
});

test("three closed tabs on one field: every text stays on offer", () => {
  const s = fresh();
  for (const text of ["one", "two", "three"]) adopt(s, { pending: { [N1]: text }, origin: { [N1]: "" } });
  const merged = choose(s, N1, "merge", s.pending[N1]);
  for (const text of ["one", "two", "three"]) assert.ok(merged.includes(text), merged);
});

test("a closed tab's edit of text the server has since changed is a conflict", () => {
  const s = newState(7, { [N1]: "saved by another device", [N2]: "" });
  adopt(s, { pending: { [N1]: "typed offline" }, origin: { [N1]: "" } });
  assert.equal(s.pending[N1], "typed offline");
  assert.deepEqual(s.conflicts[N1], { theirs: "saved by another device", source: "server" });
});

test("a closed tab whose change did reach the server adds nothing", () => {
  const s = newState(7, { [N1]: "already there" });
  adopt(s, { pending: { [N1]: "already there" }, origin: { [N1]: "" } });
  assert.ok(isClean(s));
});

test("an undecided conflict from a closed tab survives the tab that took it over", () => {
  const s = fresh();
  adopt(s, { pending: { [N1]: "one" }, origin: { [N1]: "" } });
  adopt(s, { pending: { [N1]: "two" }, origin: { [N1]: "" } });
  const next = fresh();
  adopt(next, JSON.parse(JSON.stringify(snapshot(s))));
  assert.equal(next.pending[N1], "one");
  assert.equal(next.conflicts[N1].theirs, "two");
});

test("a server change to a field held in a closed-tab conflict joins it, dropping nothing", () => {
  const s = fresh();
  adopt(s, { pending: { [N1]: "one" }, origin: { [N1]: "" } });
  adopt(s, { pending: { [N1]: "two" }, origin: { [N1]: "" } });
  rebase(s, { [N1]: "server" }, 9);
  assert.ok(s.conflicts[N1].theirs.includes("server") && s.conflicts[N1].theirs.includes("two"));
});

test("merging does not repeat text one side already holds", () => {
  assert.equal(mergeText("abc", "abc and more"), "abc and more");
  assert.equal(mergeText("", "mine"), "mine");
  assert.equal(mergeText("theirs", ""), "theirs");
});

test("a tab closed (or reloaded) with an undecided conflict leaves it undecided, not a clean edit", () => {
  // Tab Q saw P's saved text as a conflict and closed before choosing: the next tab
  // offers the same choice instead of sending Q's text over P's.
  const q = fresh();
  edit(q, N1, "Q's words");
  rebase(q, { [N1]: "P's words", [N2]: "", [R]: null, summary: "" }, 4);
  assert.ok(N1 in q.conflicts);
  const next = newState(4, { [N1]: "P's words", [N2]: "", [R]: null, summary: "" });
  adopt(next, snapshot(q));
  assert.deepEqual(sendable(next), []);
  assert.equal(next.pending[N1], "Q's words");
  assert.deepEqual(next.conflicts[N1], { theirs: "P's words", source: "server" });
});

test("text refused because the scorecard was submitted is offered after an amendment, never sent unasked", () => {
  const entry = { base: 5, pending: { [N1]: "typed after the submit" }, origin: { [N1]: "" }, conflicts: {}, stranded: true };
  const s = newState(7, { [N1]: "", [N2]: "", [R]: null, summary: "" });
  assert.deepEqual(adopt(s, entry), { [N1]: "typed after the submit" });
  assert.deepEqual(sendable(s), []);
  assert.deepEqual(s.conflicts[N1], { theirs: "", source: "server", stranded: true });
  assert.equal(choose(s, N1, "mine", "typed after the submit"), "typed after the submit");
  assert.deepEqual(sendable(s), [N1]);
});

test("a rebase that finds our text saved keeps another tab's text still on offer", () => {
  const s = fresh();
  edit(s, N1, "ours");
  adopt(s, { base: 3, pending: { [N1]: "a closed tab's" }, origin: { [N1]: "" }, conflicts: {} });
  rebase(s, { [N1]: "ours", [N2]: "", [R]: null, summary: "" }, 5);
  assert.deepEqual(s.conflicts[N1], { theirs: "a closed tab's", source: "tab" });
  assert.equal(mergeText(s.conflicts[N1].theirs, "ours"), "a closed tab's\n\nours");
});

test("merging keeps the lines both texts share once, and every other line of each", () => {
  const theirs = "Asked about the refund.\nCalm, took notes.\nOffered a callback.";
  const mine = "Asked about the refund.\nNamed the customer's worry first.\nOffered a callback.";
  assert.equal(
    mergeText(theirs, mine),
    "Asked about the refund.\nCalm, took notes.\nNamed the customer's worry first.\nOffered a callback.",
  );
  assert.equal(mergeText("Shared line\nmore", "Shared line\nmore and more"), "Shared line\nmore and more");
  assert.equal(mergeText("one", "two"), "one\n\ntwo");
});
