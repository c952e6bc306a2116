// On one's own scorecard when it is not open (submitted, stepped back from, cancelled):
// say what this device still holds that never reached the server, typed after a submit
// elsewhere. An amendment offers it at each field; or the person discards it here.

import { same } from "./changes.js";
import { TabStore } from "./tabs.js";

const box = document.querySelector("[data-stranded]");
if (box) show(box);

function show(box) {
  const store = new TabStore({ scorecardId: box.dataset.scorecardId, storage: localStorage, locks: navigator.locks || null });
  const labels = JSON.parse(box.dataset.labels || "{}");
  const unsent = new Map();
  store.others().forEach((entry) => {
    Object.entries(entry.pending || {}).forEach(([key, value]) => {
      if (value !== null && value !== "" && value !== false && !same(value, (entry.origin || {})[key])) {
        unsent.set(key, (unsent.get(key) || 0) + String(value).length);
      }
    });
  });
  if (!unsent.size) return;
  const fields = [...unsent].map(([key, chars]) => `${labels[key] || key} (${chars.toLocaleString()} character${chars === 1 ? "" : "s"})`);
  box.querySelector("[data-stranded-text]").textContent =
    `This device keeps text you typed in this scorecard that never reached the server: ${fields.join(", ")}. `
    + "Amend the scorecard to add it: the amended scorecard offers it at each field.";
  box.hidden = false;
  box.querySelector("[data-stranded-discard]").addEventListener("click", async () => {
    if (!window.confirm("Discard this text from this device? It cannot be brought back.")) return;
    await store.adoptClosed(() => {});
    box.hidden = true;
  });
}
