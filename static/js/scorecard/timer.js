// The interview timer: elapsed time against the kit's plan, per section.

export function startTimer(root, storageKey) {
  const elapsedEl = root.querySelector("[data-elapsed]");
  const toggle = root.querySelector("[data-timer-toggle]");
  if (!elapsedEl || !toggle) return;
  const sections = [...root.querySelectorAll(".live-section[data-section-end]")];
  const started = () => Number(localStorage.getItem(storageKey) || 0);

  function tick() {
    if (!started()) { elapsedEl.textContent = "0:00"; toggle.textContent = "Start timer"; return; }
    toggle.textContent = "Reset timer";
    const seconds = Math.floor((Date.now() - started()) / 1000);
    elapsedEl.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    const minutes = seconds / 60;
    sections.forEach((section) => {
      const start = Number(section.dataset.sectionStart);
      const end = Number(section.dataset.sectionEnd);
      section.classList.toggle("now", minutes >= start && minutes < end);
      section.classList.toggle("past", minutes >= end);
    });
    root.querySelector("[data-timer]").classList.toggle("over", minutes > Number(root.dataset.duration));
  }

  toggle.addEventListener("click", () => {
    if (started()) localStorage.removeItem(storageKey);
    else localStorage.setItem(storageKey, String(Date.now()));
    tick();
  });
  setInterval(tick, 1000);
  tick();
}
