// What the page says and does for each kind of answer to a save.
import assert from "node:assert/strict";
import { test } from "node:test";

import { backoff, classify } from "../../static/js/scorecard/network.js";

test("no answer is offline only when the device says so; otherwise the server is unreachable", () => {
  assert.equal(classify({ failed: true, online: false }), "offline");
  assert.equal(classify({ failed: true, online: true }), "unreachable");
  assert.equal(classify({ status: 502 }), "unreachable");
  assert.equal(classify({ status: 500, body: { error: "x" } }), "unreachable");
});

test("answers that need the person, and answers that are final for the batch", () => {
  assert.equal(classify({ status: 200, body: { version: 2 } }), "saved");
  assert.equal(classify({ status: 200, redirected: true }), "signed-out");
  assert.equal(classify({ status: 401 }), "signed-out");
  assert.equal(classify({ status: 409, body: { stored: {} } }), "conflict");
  assert.equal(classify({ status: 409, body: { error: "submitted" } }), "refused");
  assert.equal(classify({ status: 400, body: { error: "This form has expired" } }), "token");
  assert.equal(classify({ status: 400, body: { error: "The save could not be read." } }), "refused");
  assert.equal(classify({ status: 422, body: { errors: { summary: "Text expected." } } }), "invalid");
  assert.equal(classify({ status: 413 }), "refused");
  assert.equal(classify({ status: 403 }), "refused");
  assert.equal(classify({ status: 429 }), "busy");
});

test("retries back off to a minute, spread around their base", () => {
  assert.equal(backoff(0, () => 0.5), 2000);
  assert.equal(backoff(1, () => 0.5), 4000);
  assert.equal(backoff(20, () => 0.5), 60000);
  assert.ok(backoff(3, () => 0) < backoff(3, () => 1));
});

test("a refusal because the scorecard was closed elsewhere is told apart from a conflict", () => {
  assert.equal(classify({ status: 409, body: { closed: true, stored: {}, version: 3 } }), "closed");
  assert.equal(classify({ status: 409, body: { stored: {}, version: 3 } }), "conflict");
});
