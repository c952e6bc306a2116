// Keyboard shortcuts: Alt+arrows between questions, Alt+G for the guide, Alt+S to save,
// digits to rate the focused competency.

export function bindKeyboard(root, saveNow) {
  const questions = [...root.querySelectorAll("[data-question]")];
  const current = () => {
    const active = document.activeElement && document.activeElement.closest("[data-question]");
    if (active) return questions.indexOf(active);
    return questions.findIndex((q) => q.getBoundingClientRect().bottom > 80);
  };
  function goTo(index) {
    const question = questions[Math.max(0, Math.min(questions.length - 1, index))];
    if (!question) return;
    question.scrollIntoView({ block: "start", behavior: "smooth" });
    const notes = question.querySelector("textarea");
    if (notes) notes.focus({ preventScroll: true });
  }
  document.addEventListener("keydown", (event) => {
    const typing = event.target.matches("textarea, input[type=text]");
    if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      goTo(current() + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.altKey && event.key.toLowerCase() === "g") {
      event.preventDefault();
      const question = questions[Math.max(0, current())];
      const guide = question && question.querySelector("[data-guide]");
      if (guide) guide.open = !guide.open;
    } else if (event.altKey && event.key.toLowerCase() === "s") {
      event.preventDefault();
      saveNow();
    } else if (!typing && !event.altKey && !event.ctrlKey && !event.metaKey && /^[1-7]$/.test(event.key)) {
      const rating = event.target.closest && event.target.closest("[data-rating]");
      const radio = rating && rating.querySelector(`input[type=radio][value="${event.key}"]`);
      if (radio) {
        event.preventDefault();
        radio.checked = true;
        radio.focus();
        radio.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  });
}
