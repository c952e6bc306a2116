// Keyboard all the way: Alt+arrows walk the questions, then the ratings and the
// recommendation; digits choose the answer tier of the focused question or rate the
// focused competency; Alt+G opens the guide; Alt+S saves; "?" lists the shortcuts.

const TYPING = "textarea, input[type=text], input[type=search], input[type=url], input[type=email], input[type=number], select";

export function bindKeyboard(root, { saveNow, showShortcuts }) {
  const questions = [...root.querySelectorAll("[data-question]")];
  const stops = [
    ...questions,
    ...root.querySelectorAll("[data-rating]"),
    ...root.querySelectorAll("#recommendation"),
  ];

  const inside = () => stops.findIndex((stop) => stop.contains(document.activeElement));
  const inView = () => Math.max(0, stops.findIndex((stop) => stop.getBoundingClientRect().bottom > 80));
  const current = () => (inside() >= 0 ? inside() : inView());

  function focusStop(stop) {
    stop.scrollIntoView({ block: "start", behavior: "smooth" });
    const target = stop.matches("[data-question]")
      ? stop.querySelector("textarea")
      : stop.querySelector("input[type=radio]:checked") || stop.querySelector("input[type=radio], textarea");
    if (target) target.focus({ preventScroll: true });
  }

  function choose(radio) {
    if (!radio) return false;
    radio.checked = true;
    radio.focus();
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || document.querySelector("dialog[open]")) return;
    const typing = event.target.matches && event.target.matches(TYPING);
    if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      // From outside every stop, the first key lands on the one in view.
      const from = inside();
      const next = from < 0 ? inView() : from + (event.key === "ArrowDown" ? 1 : -1);
      const stop = stops[Math.max(0, Math.min(stops.length - 1, next))];
      if (stop) focusStop(stop);
    } else if (event.altKey && event.key.toLowerCase() === "g") {
      event.preventDefault();
      const question = questions.find((q) => q.contains(document.activeElement)) || questions[Math.max(0, current())];
      const guide = question && question.querySelector("[data-guide]");
      if (guide) guide.open = !guide.open;
    } else if (event.altKey && event.key.toLowerCase() === "s") {
      event.preventDefault();
      saveNow();
    } else if (event.key === "Escape" && typing && event.target.closest("[data-question]")) {
      // Out of the notes, onto the question: digits then choose its tier.
      const question = event.target.closest("[data-question]");
      question.setAttribute("tabindex", "-1");
      question.focus();
    } else if (event.key === "?" && !typing && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      showShortcuts();
    } else if (!typing && !event.altKey && !event.ctrlKey && !event.metaKey && /^[0-9]$/.test(event.key)) {
      const target = event.target.closest ? event.target : document.body;
      const quick = target.closest("[data-quick-rating]");
      const rating = target.closest("[data-rating]");
      const question = target.closest("[data-question]");
      let done = false;
      if (quick || rating) {
        done = choose((quick || rating).querySelector(`input[type=radio][value="${event.key}"]`));
      } else if (question) {
        const tiers = [...question.querySelectorAll("[data-tiers] input[type=radio]")];
        const cleared = tiers.find((radio) => radio.value === "");
        const named = tiers.filter((radio) => radio.value !== "");
        done = choose(event.key === "0" ? cleared : named[Number(event.key) - 1]);
      }
      if (done) event.preventDefault();
    }
  });
}
