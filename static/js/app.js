// Small behaviours shared by every page. No inline scripts: the CSP forbids them.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message = button && button.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// A narrow screen folds the navigation behind a Menu button.
const toggle = document.querySelector("[data-menu-toggle]");
const nav = document.querySelector("[data-nav]");
if (toggle && nav) {
  toggle.hidden = false;
  document.documentElement.classList.add("has-menu");
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
}

// Under 600 px tables stack into cards: each cell is labelled with its column's header.
for (const table of document.querySelectorAll("table.table")) {
  const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  if (!heads.length) continue;
  table.classList.add("stackable");
  for (const row of table.querySelectorAll("tbody tr")) {
    [...row.children].forEach((cell, n) => {
      if (heads[n] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[n]);
    });
  }
}

// Search-as-you-type for long pickers: the select lists what the server finds.
for (const input of document.querySelectorAll("[data-picker-url]")) {
  const select = document.getElementById(input.dataset.pickerFor);
  if (!select) continue;
  let timer = null;
  let asked = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const ask = ++asked;
      const url = `${input.dataset.pickerUrl}?q=${encodeURIComponent(input.value)}`;
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || ask !== asked) return;
      const { candidates } = await response.json();
      // Keep a candidate someone chose (or the page came with), not the browser's default.
      const chosen = select.value;
      const kept = [...select.options].find(
        (o) => o.value === chosen && o.selected && (o.defaultSelected || select.dataset.touched),
      );
      const placeholder = select.querySelector('option[value=""]');
      select.textContent = "";
      // No one is chosen for the manager: the empty "Choose" option stays first.
      if (placeholder) select.append(placeholder);
      if (kept && !candidates.some((c) => String(c.id) === chosen)) select.append(kept);
      for (const c of candidates) select.append(new Option(c.label, c.id, false, String(c.id) === chosen));
    }, 200);
  });
  select.addEventListener("change", () => { select.dataset.touched = "1"; });
  // Enter in the search field searches; it never submits the interview form.
  input.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
}

// The settings page offers the device's own time zone, when the list has it.
for (const hint of document.querySelectorAll("[data-device-zone]")) {
  const select = document.getElementById("time_zone");
  const named = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // Browsers may name a zone the old way (Asia/Calcutta): the page says the current name.
  const device = JSON.parse(hint.dataset.aliases || "{}")[named] || named;
  const option = select && [...select.options].find((o) => o.value === device);
  // Nothing to offer when the page already follows that zone, as the organisation's.
  const following = select && (select.value || hint.dataset.orgZone);
  if (!option || following === device) continue;
  hint.querySelector("[data-device-zone-name]").textContent = option.textContent;
  hint.querySelector("[data-device-zone-use]").addEventListener("click", () => {
    select.value = device;
    hint.hidden = true;
  });
  hint.hidden = false;
}
