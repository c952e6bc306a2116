// The unsent changes of one tab, and how they meet what the server and other tabs hold.
//
// No DOM and no network here: every function takes the state and returns what the page
// must do, so the rules that decide whether a word can be lost are unit-tested in Node.
//
// state = {
//   base:      the server version that `synced` describes,
//   synced:    key -> value as the server holds it at `base`,
//   pending:   key -> value typed here and not yet saved,
//   origin:    key -> the server value the pending edit started from,
//   conflicts: key -> {theirs, source: "server" | "tab"}: held back until the person chooses,
//   blocked:   key -> message: refused by the server; not resent until edited again,
// }

export const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function newState(base, synced) {
  return { base, synced: { ...synced }, pending: {}, origin: {}, conflicts: {}, blocked: {} };
}

/** The person changed a field: it becomes pending, and any refusal of it is lifted. */
export function edit(state, key, value) {
  if (!(key in state.origin)) state.origin[key] = state.synced[key];
  state.pending[key] = value;
  delete state.blocked[key];
  if (!(key in state.conflicts) && same(value, state.synced[key])) {
    delete state.pending[key];
    delete state.origin[key];
  }
}

/** The keys that can be sent now: pending, not held in a conflict, not refused. */
export function sendable(state) {
  return Object.keys(state.pending).filter((k) => !(k in state.conflicts) && !(k in state.blocked));
}

export const isClean = (state) =>
  Object.keys(state.pending).length === 0 && Object.keys(state.conflicts).length === 0;

/**
 * The server saved `sent` as `version`. `stored` names fields it stored other than sent
 * (cleaned text); `errors` fields it refused. Returns the fields to show anew: key -> value.
 */
export function saved(state, sent, version, stored = {}, errors = {}) {
  const show = {};
  state.base = version;
  Object.entries(sent).forEach(([key, value]) => {
    if (key in errors) {
      state.blocked[key] = errors[key];
      return;
    }
    const actual = key in stored ? stored[key] : value;
    state.synced[key] = actual;
    if (same(state.pending[key], value)) {
      delete state.pending[key];
      delete state.origin[key];
      if (!same(actual, value)) show[key] = actual;
    } else {
      state.origin[key] = actual; // typed on meanwhile: that text now starts from here
    }
  });
  return show;
}

/**
 * The server refused a batch as a whole (a 4xx): each of its fields is marked with the
 * message and is not sent again until it is edited.
 */
export function refused(state, sent, message) {
  Object.keys(sent).forEach((key) => { state.blocked[key] = message; });
}

/**
 * Another tab or device saved first: `stored` is the server's content at `version`.
 * Our edits whose field nobody else changed are kept and rebased; fields changed on
 * both sides become conflicts. Returns the fields to show anew (nobody here edited them).
 */
export function rebase(state, stored, version) {
  const show = {};
  Object.entries(stored).forEach(([key, theirs]) => {
    if (key in state.pending) {
      if (same(theirs, state.pending[key])) {
        delete state.pending[key];
        delete state.origin[key];
        delete state.conflicts[key];
      } else if (key in state.conflicts) {
        // Still undecided: the newest server text joins what is offered, and an unsent
        // text from a closed tab stays in it.
        const held = state.conflicts[key];
        state.conflicts[key] = held.source === "tab"
          ? { theirs: combine(theirs, held.theirs), source: "tab" }
          : { theirs, source: "server" };
        state.origin[key] = theirs;
      } else if (!same(theirs, state.origin[key])) {
        state.conflicts[key] = { theirs, source: "server" };
        state.origin[key] = theirs;
      }
    } else if (!same(theirs, state.synced[key])) {
      show[key] = theirs;
    }
    state.synced[key] = theirs;
  });
  state.base = version;
  return show;
}

/**
 * Take over the unsent changes of a closed tab (`entry` as it was stored). Each is kept:
 * pending when its field is unchanged since that tab's edit began, else a conflict; the
 * texts that tab still held in a conflict are offered again. Returns fields to show anew.
 */
export function adopt(state, entry) {
  const show = {};
  const origins = entry.origin || {};
  Object.entries(entry.pending || {}).forEach(([key, value]) => {
    if (!(key in state.synced)) return;
    if (key in state.pending) {
      offer(state, key, value);
      return;
    }
    if (same(value, state.synced[key])) return; // it reached the server after all
    state.pending[key] = value;
    show[key] = value;
    if (key in origins && same(origins[key], state.synced[key])) {
      state.origin[key] = origins[key];
    } else {
      // The server's text moved on since that tab's edit began: the person decides.
      state.origin[key] = state.synced[key];
      state.conflicts[key] = { theirs: state.synced[key], source: "server" };
    }
  });
  Object.entries(entry.conflicts || {}).forEach(([key, held]) => {
    if (key in state.synced && held.source === "tab") offer(state, key, held.theirs);
  });
  return show;
}

/** Offer an unsent value from another tab for a field this tab has its own text in. */
function offer(state, key, value) {
  if (same(value, state.pending[key])) return;
  const held = state.conflicts[key];
  if (held && !same(held.theirs, value)) {
    state.conflicts[key] = { theirs: combine(held.theirs, value), source: "tab" };
  } else if (!held) {
    state.conflicts[key] = { theirs: value, source: "tab" };
  }
}

/** Two competing texts as one, so that neither is dropped; a non-text takes the newer. */
function combine(older, newer) {
  return typeof older === "string" && typeof newer === "string" ? mergeText(older, newer) : newer;
}

/**
 * The person chose for a conflict, with `current` the field's text at that moment (so
 * words typed after the conflict appeared are kept). Returns the value the field takes.
 */
export function choose(state, key, choice, current) {
  const { theirs } = state.conflicts[key];
  delete state.conflicts[key];
  let value = current;
  if (choice === "theirs") value = theirs;
  else if (choice === "merge") value = mergeText(theirs, current);
  state.pending[key] = value;
  if (!(key in state.origin)) state.origin[key] = state.synced[key];
  if (same(value, state.synced[key])) {
    delete state.pending[key];
    delete state.origin[key];
  }
  return value;
}

/** Both texts, theirs first; one of them alone when it already holds the other. */
export function mergeText(theirs, mine) {
  const a = String(theirs ?? "");
  const b = String(mine ?? "");
  if (!a || b.includes(a)) return b;
  if (!b || a.includes(b)) return a;
  return `${a}\n\n${b}`;
}

/** What a closed tab must hand to the next: its unsent text, and what it held undecided. */
export function snapshot(state) {
  return {
    base: state.base,
    pending: { ...state.pending },
    origin: { ...state.origin },
    conflicts: { ...state.conflicts },
  };
}
