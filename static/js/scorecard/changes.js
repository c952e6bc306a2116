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
//   conflicts: key -> {theirs, source: "server" | "tab", stranded?}: held back until the
//              person chooses (stranded: "mine" was typed after a submit elsewhere),
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
    if (same(state.pending[key], value) && !(key in state.conflicts)) {
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
        if (state.conflicts[key] && state.conflicts[key].source === "tab") {
          // Ours is on the server; another tab's unsent text still waits for a choice.
          state.origin[key] = theirs;
        } else {
          delete state.pending[key];
          delete state.origin[key];
          delete state.conflicts[key];
        }
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
 * pending when that tab's edit began from what the server holds now and nobody had yet
 * to choose for it; else a conflict, so that an undecided conflict stays one after its
 * tab closes or reloads, and text stranded by a submit is offered, never sent unasked.
 * The texts that tab still held from other tabs are offered again. Returns fields to
 * show anew.
 */
export function adopt(state, entry) {
  const show = {};
  const origins = entry.origin || {};
  const held = entry.conflicts || {};
  const stranded = Boolean(entry.stranded);
  Object.entries(entry.pending || {}).forEach(([key, value]) => {
    if (!(key in state.synced)) return;
    if (key in state.pending) {
      offer(state, key, value, stranded);
      return;
    }
    if (same(value, state.synced[key])) return; // it reached the server after all
    state.pending[key] = value;
    state.origin[key] = state.synced[key];
    show[key] = value;
    const clean = !stranded && !(key in held) && key in origins && same(origins[key], state.synced[key]);
    if (!clean) {
      state.conflicts[key] = { theirs: state.synced[key], source: "server", ...(stranded && { stranded }) };
    }
  });
  Object.entries(held).forEach(([key, conflict]) => {
    if (key in state.synced && conflict.source === "tab") offer(state, key, conflict.theirs, conflict.stranded);
  });
  return show;
}

/** Offer an unsent value from another tab for a field this tab has its own text in. */
function offer(state, key, value, stranded = false) {
  if (!(key in state.pending)) {
    // A conflict always has this tab's own text too: here, what the server holds.
    state.pending[key] = state.synced[key];
    state.origin[key] = state.synced[key];
  }
  if (same(value, state.pending[key])) {
    if (!(key in state.conflicts) && same(value, state.synced[key])) {
      delete state.pending[key];
      delete state.origin[key];
    }
    return;
  }
  const held = state.conflicts[key];
  if (held && !same(held.theirs, value)) {
    state.conflicts[key] = { theirs: combine(held.theirs, value), source: "tab", ...(stranded && { stranded }) };
  } else if (!held) {
    state.conflicts[key] = { theirs: value, source: "tab", ...(stranded && { stranded }) };
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

/**
 * Both texts, theirs first, each line they share once: lines are matched as in a diff
 * (longest common subsequence), and where the two differ both versions are kept, theirs
 * first, unless one holds the other. Texts that share nothing are set apart by a blank
 * line.
 */
export function mergeText(theirs, mine) {
  const a = String(theirs ?? "");
  const b = String(mine ?? "");
  if (!a || b.includes(a)) return b;
  if (!b || a.includes(b)) return a;
  const x = a.split("\n");
  const y = b.split("\n");
  // Past this many line pairs, comparing costs more than it gives.
  if (x.length * y.length > 1_000_000) return `${a}\n\n${b}`;
  const common = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i -= 1) {
    for (let j = y.length - 1; j >= 0; j -= 1) {
      common[i][j] = x[i] === y[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  if (common[0][0] === 0) return `${a}\n\n${b}`;
  const out = [];
  let ours = [];
  let yours = [];
  const hunk = () => {
    const t = ours.join("\n");
    const m = yours.join("\n");
    if (!ours.length || m.includes(t)) out.push(...yours);
    else if (!yours.length || t.includes(m)) out.push(...ours);
    else out.push(...ours, ...yours);
    ours = [];
    yours = [];
  };
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      hunk();
      out.push(x[i]);
      i += 1;
      j += 1;
    } else if (j >= y.length || (i < x.length && common[i + 1][j] >= common[i][j + 1])) {
      ours.push(x[i]);
      i += 1;
    } else {
      yours.push(y[j]);
      j += 1;
    }
  }
  hunk();
  return out.join("\n");
}

/** What a closed tab must hand to the next: its unsent text, and what it held undecided. */
export function snapshot(state) {
  return {
    base: state.base,
    pending: { ...state.pending },
    origin: { ...state.origin },
    conflicts: { ...state.conflicts },
    // Refused because the scorecard was closed: offered, never sent unasked, after an amendment.
    ...(state.stranded && { stranded: true }),
  };
}
