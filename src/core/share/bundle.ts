import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { z } from 'zod';
import type { AgentEvent } from '../agent/events.js';
import { parseEvolutionState, parseRolloutRecord } from '../evolve/state-schema.js';
import { type EvolutionState, ROLLOUT_FORMAT_VERSION, type RolloutRecord } from '../evolve/state.js';
import { suiteHash } from '../tasks/suite-hash.js';
import type { Task } from '../tasks/types.js';
import { type HarnessSnapshotFile, parseHarnessFile } from './snapshot.js';

/**
 * A run bundle: one zip with everything needed to replay a batch (and, with `kind: "evolution"`, an evolution) in
 * another browser at zero model cost.
 *
 *   bundle.json                 the manifest below (format version, what is inside)
 *   suite/tasks.json            the tasks the episodes ran, whose suite hash the manifest records
 *   harnesses/<hash>.harness.json   a harness snapshot per version used (the same files as "Export snapshot")
 *   episodes/<id>.jsonl         one trace per episode, one AgentEvent per line
 *   evolution/state.json        (kind "evolution" only) the evolution's state; its rollouts are episodes too
 *
 * An episode is one agent run on one task, whether a batch run or an evolution rollout: both are JSONL of the same
 * trace events, so one viewer replays them. An evolution bundle holds every version of its tree as a snapshot and every
 * rollout it used as an episode (with its cache key); the state and each rollout are checked with the same schemas as
 * a `state.json` and its rollout files (`evolve/state-schema.ts`) before anything is stored.
 */

export const BUNDLE_FORMAT = 'self-harness-bundle';
export const BUNDLE_FORMAT_VERSION = 1;
export const BUNDLE_MANIFEST_FILE = 'bundle.json';
export const BUNDLE_TASKS_FILE = 'suite/tasks.json';
export const BUNDLE_EVOLUTION_FILE = 'evolution/state.json';

const Usage = z.object({ inputTokens: z.number().min(0), outputTokens: z.number().min(0) }).strip();
const Outcome = z.enum(['pass', 'fail', 'timeout', 'agent_error', 'infra_error']);

export const BundleEpisode = z
  .object({
    id: z.string().min(1),
    /** Path inside the zip of the episode's JSONL trace. */
    file: z.string().regex(/^episodes\/[^/]+\.jsonl$/),
    taskId: z.string().min(1),
    harnessHash: z.string().min(1),
    modelId: z.string(),
    attempt: z.number().int().min(1),
    outcome: Outcome.optional(),
    reason: z.string().optional(),
    agentEndReason: z.string().optional(),
    verifier: z.object({ exitCode: z.number(), stdout: z.string(), stderr: z.string(), durationMs: z.number(), timedOut: z.boolean() }).strict().optional(),
    usage: Usage,
    steps: z.number().int().min(0),
    startedAt: z.number(),
    endedAt: z.number().optional(),
    durationMs: z.number().optional(),
    eventCount: z.number().int().min(0),
    /** An evolution rollout: its key in the rollout cache (harness, model identity, suite, task, attempt). */
    rolloutKey: z.string().min(1).optional(),
  })
  .strict();
export type BundleEpisode = z.infer<typeof BundleEpisode>;

export const BundleManifest = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    kind: z.enum(['batch', 'evolution']),
    title: z.string(),
    exportedAt: z.string(),
    exportedBy: z.string(),
    batch: z
      .object({ id: z.string(), harnessHash: z.string(), modelId: z.string(), taskIds: z.array(z.string()), startedAt: z.number(), endedAt: z.number().optional() })
      .strict()
      .optional(),
    /** Reserved for evolution bundles: the state file inside the zip. */
    evolution: z.object({ id: z.string(), file: z.literal(BUNDLE_EVOLUTION_FILE) }).strict().optional(),
    suite: z.object({ id: z.string(), name: z.string(), hash: z.string(), file: z.literal(BUNDLE_TASKS_FILE), taskIds: z.array(z.string()) }).strict(),
    harnesses: z.array(z.object({ hash: z.string(), file: z.string().regex(/^harnesses\/[0-9a-f]{64}\.harness\.json$/) }).strict()),
    episodes: z.array(BundleEpisode),
  })
  .strict();
export type BundleManifest = z.infer<typeof BundleManifest>;

/** The tasks inside a bundle are checked field by field: an imported task runs in the user's sandbox. */
export const BundleTask = z
  .object({
    id: z.string().min(1),
    title: z.string(),
    instruction: z.string(),
    workdir: z.string().optional(),
    env: z.record(z.string(), z.string()).optional(),
    initialFiles: z.record(z.string(), z.string()),
    setupScript: z.string().optional(),
    verifier: z.object({ script: z.string(), files: z.record(z.string(), z.string()).optional() }).strict(),
    solution: z.string().optional(),
    agentTimeoutSec: z.number().positive(),
    verifierTimeoutSec: z.number().positive(),
    category: z.string(),
    difficulty: z.enum(['easy', 'medium', 'hard']),
    tags: z.array(z.string()),
    requires: z.array(z.string()).optional(),
  })
  .strict();

const TRACE_EVENT_TYPES = ['run-start', 'model-request', 'model-response', 'model-error', 'format-error', 'tool-call', 'tool-result', 'policy-intervention', 'hook-result', 'run-end'] as const;
const TraceEventLine = z.object({ seq: z.number().int().min(0), timestamp: z.number(), type: z.enum(TRACE_EVENT_TYPES) }).passthrough();

export interface BundleContents {
  manifest: BundleManifest;
  tasks: Task[];
  snapshots: HarnessSnapshotFile[];
  episodes: Array<{ episode: BundleEpisode; events: AgentEvent[] }>;
  /** Kind "evolution": the evolution's state, validated (and migrated) as a stored one is. */
  evolution?: EvolutionState;
}

export type BundleReadResult = { ok: true; bundle: BundleContents } | { ok: false; errors: string[] };

export function episodeFile(id: string): string {
  return `episodes/${id.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`;
}

export const harnessFile = (hash: string): string => `harnesses/${hash}.harness.json`;

/** One event per line; a trace is append-only, so JSONL is its natural file. */
export function toJsonl(events: readonly AgentEvent[]): string {
  return events.map((event) => JSON.stringify(event)).join('\n') + (events.length ? '\n' : '');
}

/** Zip a bundle. The caller scrubs secrets first (the store does, with the profiles' keys in hand). */
export function writeBundle(bundle: BundleContents): Uint8Array {
  const files: Record<string, Uint8Array> = {
    [BUNDLE_MANIFEST_FILE]: strToU8(`${JSON.stringify(bundle.manifest, null, 2)}\n`),
    [BUNDLE_TASKS_FILE]: strToU8(`${JSON.stringify(bundle.tasks, null, 2)}\n`),
  };
  for (const snapshot of bundle.snapshots) files[harnessFile(snapshot.hash)] = strToU8(`${JSON.stringify(snapshot, null, 2)}\n`);
  for (const { episode, events } of bundle.episodes) files[episode.file] = strToU8(toJsonl(events));
  if (bundle.evolution) files[BUNDLE_EVOLUTION_FILE] = strToU8(`${JSON.stringify(bundle.evolution, null, 2)}\n`);
  return zipSync(files, { level: 6 });
}

const issueText = (where: string, issue: z.core.$ZodIssue) => `${where}${issue.path.length ? ` ${issue.path.join('.')}` : ''}: ${issue.message}`;

/**
 * Read and check a bundle completely before anything is stored: the manifest, every file it names, every trace line,
 * every harness snapshot (hash included) and the suite hash of the tasks. Errors say which file and which line.
 */
export async function readBundle(bytes: Uint8Array): Promise<BundleReadResult> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    return { ok: false, errors: [`not a zip file (${(error as Error).message})`] };
  }
  const manifestBytes = files[BUNDLE_MANIFEST_FILE];
  if (!manifestBytes) return { ok: false, errors: [`not a run bundle: the zip has no ${BUNDLE_MANIFEST_FILE}${files['state.json'] ? ' (it looks like a CLI evolution folder: import it on the Evolve page)' : ''}`] };
  let rawManifest: unknown;
  try {
    rawManifest = JSON.parse(strFromU8(manifestBytes));
  } catch (error) {
    return { ok: false, errors: [`${BUNDLE_MANIFEST_FILE} is not valid JSON: ${(error as Error).message}`] };
  }
  const record = rawManifest as Record<string, unknown>;
  if (record?.format !== BUNDLE_FORMAT) return { ok: false, errors: [`${BUNDLE_MANIFEST_FILE} is not a Self-Harness run bundle manifest (format "${String(record?.format)}")`] };
  if (typeof record.formatVersion === 'number' && record.formatVersion > BUNDLE_FORMAT_VERSION) {
    return { ok: false, errors: [`this bundle has format version ${record.formatVersion}; this Self-Harness Studio reads up to version ${BUNDLE_FORMAT_VERSION}. Update the app to import it.`] };
  }
  const manifest = BundleManifest.safeParse(rawManifest);
  if (!manifest.success) return { ok: false, errors: manifest.error.issues.map((issue) => issueText(BUNDLE_MANIFEST_FILE, issue)) };
  const errors: string[] = [];
  const read = (path: string): string | undefined => {
    const content = files[path];
    if (!content) errors.push(`${path} is named in ${BUNDLE_MANIFEST_FILE} but missing from the zip`);
    return content ? strFromU8(content) : undefined;
  };

  const tasks: Task[] = [];
  const tasksText = read(BUNDLE_TASKS_FILE);
  if (tasksText !== undefined) {
    try {
      const parsed = z.array(BundleTask).safeParse(JSON.parse(tasksText));
      if (parsed.success) tasks.push(...(parsed.data as Task[]));
      else errors.push(...parsed.error.issues.slice(0, 5).map((issue) => issueText(BUNDLE_TASKS_FILE, issue)));
    } catch (error) {
      errors.push(`${BUNDLE_TASKS_FILE} is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (tasks.length && (await suiteHash(tasks)) !== manifest.data.suite.hash) {
    errors.push(`${BUNDLE_TASKS_FILE} does not match the suite hash in ${BUNDLE_MANIFEST_FILE}: the tasks were changed after export`);
  }

  const snapshots: HarnessSnapshotFile[] = [];
  for (const entry of manifest.data.harnesses) {
    const text = read(entry.file);
    if (text === undefined) continue;
    const parsed = await parseHarnessFile(text);
    if (!parsed.ok) errors.push(...parsed.errors.map((error) => `${entry.file}: ${error}`));
    else if (parsed.kind !== 'snapshot') errors.push(`${entry.file}: a bare harness; a bundle holds snapshots`);
    else if (parsed.snapshot.hash !== entry.hash) errors.push(`${entry.file}: holds version ${parsed.snapshot.hash.slice(0, 8)}, not ${entry.hash.slice(0, 8)}`);
    else snapshots.push(parsed.snapshot);
  }
  const harnessHashes = new Set(manifest.data.harnesses.map((entry) => entry.hash));
  const taskIds = new Set(tasks.map((task) => task.id));

  const episodes: BundleContents['episodes'] = [];
  for (const episode of manifest.data.episodes) {
    if (!harnessHashes.has(episode.harnessHash)) errors.push(`episode ${episode.id}: harness ${episode.harnessHash.slice(0, 8)} is not in the bundle`);
    if (tasks.length && !taskIds.has(episode.taskId)) errors.push(`episode ${episode.id}: task ${episode.taskId} is not in ${BUNDLE_TASKS_FILE}`);
    const text = read(episode.file);
    if (text === undefined) continue;
    const events: AgentEvent[] = [];
    const lines = text.split('\n');
    for (const [index, line] of lines.entries()) {
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        errors.push(`${episode.file} line ${index + 1}: not JSON`);
        break;
      }
      const parsed = TraceEventLine.safeParse(value);
      if (!parsed.success) {
        errors.push(issueText(`${episode.file} line ${index + 1}`, parsed.error.issues[0]));
        break;
      }
      events.push(parsed.data as unknown as AgentEvent);
    }
    if (events.length !== episode.eventCount) errors.push(`${episode.file}: ${events.length} events, the manifest says ${episode.eventCount}`);
    episodes.push({ episode, events });
  }
  let evolution: EvolutionState | undefined;
  if (manifest.data.kind === 'evolution') evolution = readEvolution(manifest.data, read, snapshots, episodes, errors);
  else if (manifest.data.episodes.some((episode) => episode.rolloutKey)) errors.push(`${BUNDLE_MANIFEST_FILE}: a batch bundle holds runs, not evolution rollouts`);
  if (errors.length) return { ok: false, errors: errors.slice(0, 20) };
  return { ok: true, bundle: { manifest: manifest.data, tasks, snapshots, episodes, ...(evolution ? { evolution } : {}) } };
}

/** The rollout record an evolution episode stands for, as the rollout cache stores it. */
export function rolloutOfEpisode(episode: BundleEpisode, events: AgentEvent[], suiteHash: string): unknown {
  return {
    formatVersion: ROLLOUT_FORMAT_VERSION,
    key: episode.rolloutKey,
    traceId: episode.id,
    harnessHash: episode.harnessHash,
    modelId: episode.modelId,
    suiteHash,
    taskId: episode.taskId,
    attempt: episode.attempt,
    outcome: episode.outcome,
    reason: episode.reason ?? '',
    usage: episode.usage,
    steps: episode.steps,
    durationMs: episode.durationMs ?? 0,
    events,
    createdAt: episode.endedAt ?? episode.startedAt,
  };
}

/**
 * An evolution bundle's state, checked as a stored one is, and against the rest of the bundle: its suite, a snapshot
 * of every version of its tree, and a valid rollout (key included) for every rollout it used.
 */
function readEvolution(
  manifest: BundleManifest,
  read: (path: string) => string | undefined,
  snapshots: readonly HarnessSnapshotFile[],
  episodes: BundleContents['episodes'],
  errors: string[],
): EvolutionState | undefined {
  if (!manifest.evolution) {
    errors.push(`${BUNDLE_MANIFEST_FILE}: an evolution bundle names its state file ("evolution": {"id", "file"})`);
    return undefined;
  }
  const text = read(manifest.evolution.file);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    errors.push(`${manifest.evolution.file} is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
  const parsed = parseEvolutionState(raw);
  if (!parsed.ok) {
    errors.push(`${manifest.evolution.file}: ${parsed.error}`);
    return undefined;
  }
  const state = parsed.value;
  if (state.id !== manifest.evolution.id) errors.push(`${manifest.evolution.file} holds evolution ${state.id}, not ${manifest.evolution.id}`);
  if (state.config.suiteHash !== manifest.suite.hash) errors.push(`${manifest.evolution.file}: the evolution ran on suite ${state.config.suiteHash.slice(0, 8)}, the bundle's tasks are ${manifest.suite.hash.slice(0, 8)}`);
  const taskIds = new Set(manifest.suite.taskIds);
  const missingTasks = [...state.splits.heldIn, ...state.splits.heldOut, ...state.splits.test].filter((taskId) => !taskIds.has(taskId));
  if (missingTasks.length) errors.push(`${BUNDLE_TASKS_FILE} lacks ${missingTasks.length} of the evolution's tasks (${missingTasks.slice(0, 5).join(', ')})`);
  const versionsInBundle = new Set(snapshots.map((snapshot) => snapshot.hash));
  const missingVersions = Object.keys(state.versions).filter((hash) => !versionsInBundle.has(hash));
  if (missingVersions.length) errors.push(`${missingVersions.length} of the evolution's versions have no snapshot in harnesses/ (${missingVersions.slice(0, 3).map((hash) => hash.slice(0, 8)).join(', ')})`);
  const rollouts = new Map<string, RolloutRecord>();
  for (const { episode, events } of episodes) {
    if (!episode.rolloutKey) {
      errors.push(`episode ${episode.id}: an evolution bundle holds rollouts, each with its rolloutKey`);
      continue;
    }
    const rollout = parseRolloutRecord(rolloutOfEpisode(episode, events, state.config.suiteHash), episode.rolloutKey);
    if (!rollout.ok) errors.push(`episode ${episode.id}: ${rollout.error}`);
    else rollouts.set(rollout.value.key, rollout.value);
  }
  const missingRollouts = state.usedRollouts.filter((key) => !rollouts.has(key));
  if (missingRollouts.length) errors.push(`${missingRollouts.length} rollouts the evolution used are not in the bundle (first: ${missingRollouts[0]})`);
  return state;
}
