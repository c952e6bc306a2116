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
