// The interview timer: start, pause, resume, and a separate reset. Its state lives on the
// server, so another device (or a reload) shows the same elapsed time; this page follows
// the other devices by asking every POLL_MS while it is visible. The same answer says
// whether the scorecard is still open (`onServer`), so a tab learns soon when another
// submitted it.

export const POLL_MS = 3_000;

export function elapsedText(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function startTimer(root, { token, poll = POLL_MS, onServer = () => {} }) {
  const box = root.querySelector("[data-timer]");
  if (!box) return;
  const elapsedEl = box.querySelector("[data-elapsed]");
  const toggle = box.querySelector("[data-timer-toggle]");
  const reset = box.querySelector("[data-timer-reset]");
  const url = box.dataset.timerUrl;
  const sections = [...root.querySelectorAll(".live-section[data-section-end]")];
  let base = Number(box.dataset.elapsedSeconds || 0);
  let running = box.dataset.running === "true";
  let since = performance.now();

  const elapsed = () => base + (running ? (performance.now() - since) / 1000 : 0);

  function apply(state) {
    onServer(state);
    base = state.elapsed;
    running = state.running;
    since = performance.now();
    render();
  }

  function render() {
    const seconds = elapsed();
    elapsedEl.textContent = elapsedText(seconds);
    toggle.textContent = running ? "Pause" : seconds >= 1 ? "Resume" : "Start timer";
    toggle.setAttribute("aria-pressed", String(running));
    reset.hidden = !running && seconds < 1;
    const minutes = seconds / 60;
    sections.forEach((section) => {
      const start = Number(section.dataset.sectionStart);
      const end = Number(section.dataset.sectionEnd);
      section.classList.toggle("now", (running || seconds >= 1) && minutes >= start && minutes < end);
      section.classList.toggle("past", minutes >= end);
    });
    box.classList.toggle("over", minutes > Number(root.dataset.duration));
  }

  async function send(action) {
    try {
      const response = await fetch(url, {
        method: action ? "POST" : "GET",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token() },
        body: action ? JSON.stringify({ action }) : undefined,
      });
      if (response.ok && !response.redirected) apply(await response.json());
    } catch (error) {
      // Offline: the local count goes on; the next answer from the server corrects it.
    }
  }

  toggle.addEventListener("click", () => {
    // Answer at once; the server's state follows.
    const action = running ? "pause" : "start";
    apply({ elapsed: elapsed(), running: action === "start", open: true });
    send(action);
  });
  reset.addEventListener("click", () => {
    if (!window.confirm("Reset the interview timer to 0:00? This cannot be undone.")) return;
    apply({ elapsed: 0, running: false, open: true });
    send("reset");
  });
  setInterval(render, 1000);
  setInterval(() => { if (document.visibilityState === "visible") send(null); }, poll);
  window.addEventListener("focus", () => send(null));
  render();
}
