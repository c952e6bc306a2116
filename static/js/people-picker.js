// A people picker over a <select multiple data-people-picker>: type to find, the chosen
// as chips that a button takes off, each marked when that person already has an
// interview at the time the form names. The select stays in the form, hidden: what is
// sent is what it always was, and without this script the select still works.

for (const select of document.querySelectorAll("select[data-people-picker]")) enhance(select);

function enhance(select) {
  const label = document.querySelector(`label[for="${select.id}"]`);
  const people = [...select.options].map((option) => ({
    option,
    name: option.textContent.trim(),
    group: option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "",
  }));
  const busy = {};

  const box = element("div", { className: "people-picker" });
  const chips = element("ul", { className: "chips", id: `${select.id}-chosen` });
  chips.setAttribute("aria-label", "Chosen");
  const input = element("input", {
    type: "text",
    id: `${select.id}-find`,
    autocomplete: "off",
    placeholder: "Type a name to add someone",
  });
  const list = element("ul", { id: `${select.id}-list`, className: "people-options", hidden: true });
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "People");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  const status = element("p", { className: "visually-hidden" });
  status.setAttribute("role", "status");
  box.append(chips, input, list, status);
  select.after(box);
  select.hidden = true;
  select.tabIndex = -1;
  if (label) label.htmlFor = input.id;
  const describedBy = select.getAttribute("aria-describedby");
  if (describedBy) input.setAttribute("aria-describedby", describedBy);

  let shown = [];
  let active = -1;

  // Chips are updated in place (added, taken off, their busy mark changed), never drawn
  // again: a button keeps its focus when the busy marks arrive.
  const chipOf = new Map();
  function drawChips() {
    const chosen = people.filter((p) => p.option.selected);
    for (const [value, chip] of chipOf) {
      if (!chosen.some((p) => p.option.value === value)) {
        chip.remove();
        chipOf.delete(value);
      }
    }
    chosen.forEach((person, n) => {
      let chip = chipOf.get(person.option.value);
      if (!chip) {
        chip = newChip(person);
        chipOf.set(person.option.value, chip);
      }
      mark(chip, busy[person.option.value]);
      if (chips.children[n] !== chip) chips.insertBefore(chip, chips.children[n] || null);
    });
  }

  function newChip(person) {
    const chip = element("li", { className: "chip" });
    chip.append(element("span", { textContent: person.name }));
    const remove = element("button", { type: "button", className: "chip-remove", textContent: "×" });
    remove.setAttribute("aria-label", `Remove ${person.name}`);
    remove.addEventListener("click", () => {
      person.option.selected = false;
      say(`${person.name} removed.`);
      drawChips();
      input.focus();
    });
    chip.append(remove);
    return chip;
  }

  function mark(chip, note) {
    chip.classList.toggle("chip-busy", Boolean(note));
    let noted = chip.querySelector(".chip-note");
    if (!note) {
      if (noted) noted.remove();
      return;
    }
    if (!noted) {
      noted = element("span", { className: "chip-note" });
      chip.querySelector(".chip-remove").before(noted);
    }
    noted.textContent = note;
  }

  function drawList() {
    const typed = input.value.trim().toLowerCase();
    shown = people.filter((p) => !p.option.selected && p.name.toLowerCase().includes(typed)).slice(0, 50);
    list.textContent = "";
    let group = null;
    shown.forEach((person, n) => {
      if (person.group && person.group !== group) {
        group = person.group;
        const heading = element("li", { className: "people-group", textContent: group });
        heading.setAttribute("role", "presentation");
        list.append(heading);
      }
      const item = element("li", { id: `${select.id}-option-${n}`, className: "people-option" });
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(n === active));
      item.append(element("span", { textContent: person.name }));
      const note = busy[person.option.value];
      if (note) item.append(element("span", { className: "chip-note", textContent: note }));
      item.addEventListener("mousedown", (event) => event.preventDefault());
      item.addEventListener("click", () => choose(person));
      list.append(item);
    });
    if (!shown.length) {
      const none = element("li", { className: "people-none", textContent: "No one else matches." });
      none.setAttribute("role", "presentation");
      list.append(none);
    }
    open(true);
  }

  function open(yes) {
    list.hidden = !yes;
    input.setAttribute("aria-expanded", String(yes));
    if (!yes) {
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }
  }

  function move(step) {
    if (list.hidden) drawList();
    if (!shown.length) return;
    active = (active + step + shown.length) % shown.length;
    for (const item of list.querySelectorAll("[role=option]")) {
      item.setAttribute("aria-selected", String(item.id === `${select.id}-option-${active}`));
    }
    input.setAttribute("aria-activedescendant", `${select.id}-option-${active}`);
    list.querySelector(`#${select.id}-option-${active}`).scrollIntoView({ block: "nearest" });
  }

  function choose(person) {
    person.option.selected = true;
    const note = busy[person.option.value];
    say(`${person.name} added.${note ? ` ${note}.` : ""}`);
    input.value = "";
    drawChips();
    // Closed after a choice, so that it covers nothing (the form's button below it);
    // typing or the arrow keys open it again.
    open(false);
    input.focus();
  }

  function say(words) {
    status.textContent = words;
  }

  input.addEventListener("input", () => { active = -1; drawList(); });
  input.addEventListener("focus", drawList);
  input.addEventListener("blur", () => open(false));
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Enter") {
      // Enter chooses; it never submits the form from here.
      event.preventDefault();
      const person = shown[active] || (shown.length === 1 ? shown[0] : null);
      if (person) choose(person);
    } else if (event.key === "Escape") open(false);
    else if (event.key === "Backspace" && !input.value) {
      const last = people.filter((p) => p.option.selected).pop();
      if (last) { last.option.selected = false; say(`${last.name} removed.`); drawChips(); }
    }
  });

  // Who is busy: at the time the form's fields name, or the fixed one the select carries.
  const at = document.getElementById(select.dataset.busyAtField || "");
  const minutes = document.getElementById(select.dataset.busyMinutesField || "");
  let asked = 0;
  async function lookUp() {
    const when = at ? at.value : select.dataset.busyAt;
    for (const key of Object.keys(busy)) delete busy[key];
    if (when && select.dataset.busyUrl) {
      const ask = ++asked;
      const query = new URLSearchParams({ at: when });
      const length = minutes ? minutes.value : select.dataset.busyMinutes;
      if (length) query.set("minutes", length);
      if (select.dataset.busyExcept) query.set("except", select.dataset.busyExcept);
      try {
        const response = await fetch(`${select.dataset.busyUrl}?${query}`, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (ask !== asked || !response.ok) return;
        Object.assign(busy, (await response.json()).busy);
      } catch {
        return; // offline: the picker works, without the busy marks
      }
    }
    drawChips();
    if (!list.hidden) drawList();
  }
  for (const field of [at, minutes]) if (field) field.addEventListener("change", lookUp);
  drawChips();
  lookUp();
}

function element(tag, properties) {
  return Object.assign(document.createElement(tag), properties);
}
