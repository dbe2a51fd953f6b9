/**
 * Size and time limits on everything that comes from outside: tool output, model answers, hook output, the rendered
 * system prompt, task files, zip archives, nesting depth of JSON/YAML/TOML, timeouts. One place, as data, so the
 * README can list them and a test can read them. They are safety limits, not behaviour: a harness cannot raise them,
 * and no built-in task comes near one. Past a limit the input is refused (or the output cut) with a message that
 * names the limit; an agent run ends with the reason `limit`, an evolution goes on with its next rollout.
 */
export const LIMITS = {
  /**
   * Characters of one tool result the model and the trace see. Longer output is cut (head and tail kept) and the
   * event records the full size. The harness's `outputTruncation` policy, a behaviour the proposer may tune, cuts
   * far shorter; this cap holds when that policy is off, as it is in the paper's minimal starting harness.
   */
  toolOutputCharsPerCall: 100_000,
  /** Characters of tool output (after the per-call cap) one agent run may accumulate before it ends with `limit`. */
  toolOutputCharsPerRun: 4_000_000,
  /** Characters of one model answer (text and tool-call arguments together) before the call is cut off. */
  answerChars: 1_000_000,
  /** Characters of one hook's output shown to the agent. */
  hookOutputChars: 20_000,
  /** Characters of the system prompt after its placeholders are filled. */
  systemPromptChars: 400_000,
  /** Characters of a task's instruction. */
  instructionChars: 200_000,
  /** Bytes of one file of a task (initial, verifier or solution file) on import. */
  taskFileBytes: 8 * 1024 * 1024,
  /** Bytes of everything one suite's files hold, read from a folder or inflated from a zip. */
  suiteBytes: 256 * 1024 * 1024,
  /** Files in one suite (folder or zip entries). */
  suiteFiles: 20_000,
  /** Nesting depth of a JSON, YAML or TOML document (task.toml, task.yaml, a harness file, one task of a suite). */
  nestingDepth: 64,
  /** Nesting depth of a whole suite.json, whose tasks are each held to `nestingDepth` on their own. */
  suiteFileNestingDepth: 10_000,
  /** Characters of the verifier's stdout and stderr kept in a run record. */
  verifierOutputChars: 100_000,
  /** Seconds: the longest agent or verifier time limit a task may ask for; larger values are clamped to this. */
  taskTimeoutSec: 24 * 60 * 60,
  /** Milliseconds: Node and browsers fire a timer at once when its delay is above 2^31−1 ms (~24.8 days). */
  timerMs: 2_147_483_647,
} as const;

export type LimitName = keyof typeof LIMITS;

/** A delay as `setTimeout` can take it: finite, at least 0, at most 2^31−1 ms (larger ones would fire at once). */
export function clampTimerMs(ms: number): number {
  if (Number.isNaN(ms)) return 0;
  return Math.min(LIMITS.timerMs, Math.max(0, Math.round(Math.min(ms, LIMITS.timerMs))));
}

/** `setTimeout` with its delay clamped; every timer whose delay comes from data goes through this. */
export function setClampedTimeout(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
  return setTimeout(callback, clampTimerMs(ms));
}

/** `12345678` → `12,345,678`: limits read better in messages with separators. */
export function formatCount(value: number): string {
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `8388608` → `8 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

/**
 * `text` cut to `maxChars`, keeping its head and tail, with a line saying how much was left out. Unchanged when it
 * fits.
 */
export function capText(text: string, maxChars: number, what = 'output'): string {
  if (text.length <= maxChars) return text;
  const note = `\n[… ${formatCount(text.length - maxChars)} characters of ${what} left out (limit ${formatCount(maxChars)}) …]\n`;
  const half = Math.floor(maxChars / 2);
  return text.slice(0, half) + note + text.slice(text.length - half);
}

/**
 * How deep the brackets of a JSON (or flow-style YAML/TOML) text nest, ignoring brackets inside quoted strings;
 * stops counting as soon as `limit` is passed. Linear, no recursion, so a 10 MB `[[[[…` cannot overflow the stack.
 */
export function bracketDepthExceeds(text: string, limit: number = LIMITS.nestingDepth): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quote) {
      if (char === '\\' && quote === '"') index += 1;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > limit) return true;
    } else if ((char === ']' || char === '}') && depth > 0) depth -= 1;
  }
  return false;
}

/** Whether parsed data (plain objects and arrays) nests deeper than `limit`; iterative, so it cannot overflow. */
export function valueDepthExceeds(value: unknown, limit: number = LIMITS.nestingDepth): boolean {
  const stack: Array<{ item: unknown; depth: number }> = [{ item: value, depth: 0 }];
  const seen = new Set<object>();
  while (stack.length) {
    const { item, depth } = stack.pop()!;
    if (!item || typeof item !== 'object' || seen.has(item)) continue;
    if (depth + 1 > limit) return true;
    seen.add(item);
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push({ item: child, depth: depth + 1 });
  }
  return false;
}

/** The message for a document that nests too deep. */
export function nestingMessage(what: string, limit: number = LIMITS.nestingDepth): string {
  return `${what} nests deeper than ${formatCount(limit)} levels (the limit); flatten it`;
}
