// What a save's answer means for the page, and how long to wait before trying again.

// A save unanswered for SLOW_MS is said to be waiting on the server; at TIMEOUT_MS it is
// given up and tried again (a save the server did apply then answers as a conflict that
// agrees with what this tab holds, and is done with).
export const SLOW_MS = 3_000;
export const TIMEOUT_MS = 10_000;

/**
 * Sort the outcome of one save request. `failed` is true when no answer came (refused
 * connection, timeout, offline); `online` is the device's own view of its network.
 */
export function classify({ status = 0, body = {}, failed = false, online = true, redirected = false }) {
  if (failed) return online ? "unreachable" : "offline";
  if (status >= 200 && status < 300 && !redirected) return "saved";
  if (status === 401 || redirected) return "signed-out";
  if (status === 409 && body && body.closed) return "closed";
  if (status === 409 && body && body.stored) return "conflict";
  if (status === 400 && /expired|not sent by this site/i.test((body && body.error) || "")) return "token";
  if (status === 422 && body && body.errors && Object.keys(body.errors).length) return "invalid";
  if (status === 429) return "busy";
  if (status >= 500) return "unreachable";
  return "refused";
}

/** Seconds-long waits that double up to a minute, spread so that tabs do not align. */
export function backoff(attempt, random = Math.random) {
  const base = Math.min(2000 * 2 ** Math.max(0, attempt), 60_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export const MESSAGES = {
  offline: "Offline (this device): your changes are kept here and sent when the connection returns.",
  unreachable: "Server unreachable: your changes are kept on this device and sent when it answers.",
  busy: "The server is busy: your changes are kept on this device and sent shortly.",
  slow: "Server not answering yet: your changes are kept on this device and sent when it answers.",
};
