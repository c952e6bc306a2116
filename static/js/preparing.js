// A document being prepared: follow its render, then fetch it once it is ready.
const section = document.querySelector("[data-preparing]");
if (section) {
  const url = new URL(section.dataset.url, window.location.href);
  const progressUrl = new URL(url);
  progressUrl.searchParams.set("progress", "1");
  const label = section.querySelector("[data-preparing-label]");
  const bar = section.querySelector("[data-preparing-bar]");
  const hint = section.querySelector("[data-preparing-hint]");
  const link = section.querySelector("[data-preparing-link]");
  const error = section.querySelector("[data-preparing-error]");

  const show = (state) => {
    label.textContent = state.state === "rendering" ? "Laying it out…" : "Waiting for a free renderer…";
  };

  const ready = () => {
    bar.max = 1;
    bar.value = 1;
    label.textContent = "Ready: the download has started.";
    hint.hidden = true;
    link.textContent = "Download again";
    window.location.assign(url.href);
  };

  const failed = (message) => {
    label.textContent = "The document could not be made.";
    error.textContent = message;
    error.hidden = false;
    bar.hidden = true;
    hint.hidden = true;
    link.textContent = "Try again";
  };

  let delay = 400;
  const poll = async () => {
    try {
      const response = await fetch(progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const state = await response.json();
        if (state.state === "ready") return ready();
        if (state.state === "failed") return failed(state.error);
        show(state);
        delay = 400;
      } else if (response.status === 401 || response.status === 403) {
        return failed("Your session has ended. Sign in again, then download it.");
      }
    } catch {
      delay = Math.min(delay * 2, 5000); // offline for a moment: try again, less often
    }
    window.setTimeout(poll, delay);
  };
  window.setTimeout(poll, delay);
}
