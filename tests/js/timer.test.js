import assert from "node:assert/strict";
import { test } from "node:test";

import { elapsedText } from "../../static/js/scorecard/timer.js";

test("elapsed time reads as minutes and seconds", () => {
  assert.equal(elapsedText(0), "0:00");
  assert.equal(elapsedText(59.9), "0:59");
  assert.equal(elapsedText(61), "1:01");
  assert.equal(elapsedText(3725), "62:05");
  assert.equal(elapsedText(-3), "0:00");
});
