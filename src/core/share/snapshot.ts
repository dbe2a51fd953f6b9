import { z } from 'zod';
import { HarnessEdit } from '../evolve/edits.js';
import { acceptanceRuleSchema } from '../evolve/config.js';
import { GateDecision } from '../evolve/state-schema.js';
import type { EvolutionState, VersionNode } from '../evolve/state.js';
import { harnessHash, parseHarness } from '../harness/harness.js';
import { HarnessDocument } from '../harness/schema.js';
import { canonicalJson } from '../harness/canonical.js';
import { redactSecretsInText, scrubSecrets } from './secrets.js';

/**
 * A harness snapshot file, `NAME.harness.json`: one harness version with where it came from — its parent hashes, the
 * accepted edits that made it (each with its weakness, the gate's verdict and the per-task flips), the model and suite
 * it was evolved on, and its scores per split. Format version 1; a newer file is refused with a message, never guessed.
 */

export const SNAPSHOT_FORMAT = 'self-harness-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;
export const SNAPSHOT_FILE_SUFFIX = '.harness.json';

const Hash = z.string().regex(/^[0-9a-f]{64}$/, 'a version hash is 64 lowercase hex digits (SHA-256)');

export const SplitScore = z.object({ passed: z.number().int().min(0), total: z.number().int().min(0) }).strict();
export const SplitScores = z.object({ heldIn: SplitScore.optional(), heldOut: SplitScore.optional(), test: SplitScore.optional() }).strict();

/** What the validation gate decided about one candidate (the evolution state's own record), and under which rule. */
export const GateVerdict = GateDecision.extend({ rule: acceptanceRuleSchema });
export type GateVerdict = z.infer<typeof GateVerdict>;

export const WeaknessReference = z
  .object({ id: z.string(), title: z.string().optional(), category: z.string().optional(), description: z.string().optional() })
  .strict();

/** One accepted candidate: its edits, the weakness it targeted, and the gate's verdict. */
export const AcceptedEdit = z
  .object({
    candidateId: z.string().optional(),
    weakness: WeaknessReference.optional(),
    edits: z.array(HarnessEdit),
    rationale: z.string().default(''),
    gate: GateVerdict.optional(),
  })
  .strict();
export type AcceptedEdit = z.infer<typeof AcceptedEdit>;

/** One version on the way to this one, oldest first; the last step is the snapshot's own version. */
export const LineageStep = z
  .object({
    hash: Hash,
    parentHash: Hash.optional(),
    /** base: an evolution's start; candidate / merge: made by an evolution; edit: a person; default, example, import. */
    kind: z.enum(['base', 'candidate', 'merge', 'edit', 'default', 'example', 'import', 'unknown']),
    label: z.string().optional(),
    evolutionId: z.string().optional(),
    iteration: z.number().int().min(0).optional(),
    acceptedEdits: z.array(AcceptedEdit).default([]),
  })
  .strict();
export type LineageStep = z.infer<typeof LineageStep>;

export const Lineage = z
  .object({
    /** Parent, grandparent, … (nearest first). */
    parentHashes: z.array(Hash),
    steps: z.array(LineageStep),
  })
  .strict();
export type Lineage = z.infer<typeof Lineage>;

export const EvolvedOn = z
  .object({
    evolutionId: z.string(),
    agentModelId: z.string(),
    proposerModelId: z.string(),
    suiteId: z.string(),
    suiteHash: z.string(),
    acceptance: acceptanceRuleSchema,
    attempts: z.number().int().min(1),
  })
  .strict();
export type EvolvedOn = z.infer<typeof EvolvedOn>;

export const HarnessSnapshotFile = z
  .object({
    format: z.literal(SNAPSHOT_FORMAT),
    formatVersion: z.literal(SNAPSHOT_FORMAT_VERSION),
    exportedAt: z.string(),
    exportedBy: z.string(),
    label: z.string().min(1).max(200),
    hash: Hash,
    harness: HarnessDocument,
    lineage: Lineage,
    evolvedOn: EvolvedOn.optional(),
    /** Pass counts per split where the version was scored on a whole split. */
    scores: SplitScores,
  })
  .strict();
export type HarnessSnapshotFile = z.infer<typeof HarnessSnapshotFile>;

export type HarnessFileParseResult =
  | { ok: true; kind: 'snapshot'; snapshot: HarnessSnapshotFile; harness: HarnessDocument }
  | { ok: true; kind: 'harness'; harness: HarnessDocument }
  | { ok: false; errors: string[] };

const issueText = (issue: z.core.$ZodIssue) => `${issue.path.length ? issue.path.join('.') : '(file)'}: ${issue.message}`;

/**
 * Read a harness file: a snapshot (`*.harness.json`) or a bare harness document (what the editor and the CLI write).
 * The snapshot's hash must match its harness, so a hand-edited snapshot is refused instead of carrying a false lineage.
 */
export async function parseHarnessFile(text: string): Promise<HarnessFileParseResult> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`not valid JSON: ${(error as Error).message}`] };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, errors: ['not a harness file: expected a JSON object'] };
  const record = value as Record<string, unknown>;
  if (record.format === 'self-harness-bundle') return { ok: false, errors: ['this is a run bundle (bundle.json), not a harness: import the .zip on the Workspace page'] };
  if (record.format === undefined && 'schemaVersion' in record) {
    const parsed = parseHarness(value);
    return parsed.ok ? { ok: true, kind: 'harness', harness: parsed.harness } : { ok: false, errors: parsed.errors };
  }
  if (record.format !== SNAPSHOT_FORMAT) return { ok: false, errors: ['not a harness file: it has neither "schemaVersion" (a harness) nor "format": "self-harness-snapshot" (a snapshot)'] };
  if (typeof record.formatVersion === 'number' && record.formatVersion > SNAPSHOT_FORMAT_VERSION) {
    return { ok: false, errors: [`this snapshot has format version ${record.formatVersion}; this Self-Harness Studio reads up to version ${SNAPSHOT_FORMAT_VERSION}. Update the app to import it.`] };
  }
  const parsed = HarnessSnapshotFile.safeParse(value);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map(issueText) };
  const actual = await harnessHash(parsed.data.harness);
  if (actual !== parsed.data.hash) {
    return { ok: false, errors: [`the harness inside does not match the snapshot's hash (${parsed.data.hash.slice(0, 8)} recorded, ${actual.slice(0, 8)} computed): the file was edited after export. Import its "harness" part on its own as a new version instead.`] };
  }
  return { ok: true, kind: 'snapshot', snapshot: parsed.data, harness: parsed.data.harness };
}

/** A version the workspace knows: a saved harness version, with the lineage of the file it was imported from, if any. */
export interface KnownVersion {
  hash: string;
  parentHash?: string;
  label: string;
  source: 'default' | 'editor' | 'import' | 'evolution' | 'example';
  /** Lineage carried by the snapshot this version was imported from. */
  importedLineage?: Lineage;
}

const SOURCE_KIND: Record<KnownVersion['source'], LineageStep['kind']> = {
  default: 'default',
  editor: 'edit',
  import: 'import',
  evolution: 'candidate',
  example: 'example',
};

function weaknessOf(state: EvolutionState, weaknessId: string) {
  for (const iteration of state.iterations) {
    const weakness = iteration.weaknesses?.find((candidate) => candidate.id === weaknessId);
    if (weakness) return { id: weakness.id, title: weakness.title, category: weakness.category, description: weakness.description };
  }
  return { id: weaknessId };
}

function stepOfEvolutionNode(state: EvolutionState, node: VersionNode): LineageStep {
  const acceptedEdits: AcceptedEdit[] = node.candidateIds.map((candidateId) => {
    const candidate = state.candidates.find((item) => item.id === candidateId);
    return {
      candidateId,
      weakness: candidate ? weaknessOf(state, candidate.weaknessId) : undefined,
      edits: candidate?.edits ?? [],
      rationale: candidate?.rationale ?? '',
      gate: candidate?.decision ? { rule: state.config.acceptance, ...candidate.decision } : undefined,
    };
  });
  // A merge re-validated as a whole may carry edits no single candidate id covers; keep them visible.
  if (!acceptedEdits.length && node.edits.length) acceptedEdits.push({ edits: node.edits, rationale: '', weakness: node.weaknessIds[0] ? weaknessOf(state, node.weaknessIds[0]) : undefined });
  return { hash: node.hash, parentHash: node.parentHash, kind: node.kind, evolutionId: state.id, iteration: node.iteration, acceptedEdits };
}

/** The evolution a version came out of: the one where it is the result, else any that made it (not as its base). */
function evolutionOf(hash: string, evolutions: readonly EvolutionState[]): EvolutionState | undefined {
  const made = evolutions.filter((state) => state.versions[hash] && state.versions[hash].kind !== 'base');
  return made.find((state) => state.currentHash === hash) ?? made[0];
}

export interface LineageInputs {
  hash: string;
  versions: ReadonlyMap<string, KnownVersion>;
  evolutions: readonly EvolutionState[];
}

/**
 * Walk from a version up to its root: through the evolution that made each version (its candidates, weaknesses and
 * gate verdicts), the saved versions' parents, and the lineage an imported snapshot carried.
 */
export function buildLineage({ hash, versions, evolutions }: LineageInputs): Lineage {
  const steps: LineageStep[] = [];
  const seen = new Set<string>();
  let current: string | undefined = hash;
  while (current && !seen.has(current)) {
    seen.add(current);
    const evolution = evolutionOf(current, evolutions);
    if (evolution) {
      const node: VersionNode = evolution.versions[current];
      steps.unshift({ ...stepOfEvolutionNode(evolution, node), label: versions.get(current)?.label });
      current = node.parentHash;
      continue;
    }
    const known = versions.get(current);
    if (known?.importedLineage?.steps.length) {
      // The file it came from already knows the way up: keep it as it was exported.
      steps.unshift(...known.importedLineage.steps);
      break;
    }
    if (known) {
      steps.unshift({ hash: current, parentHash: known.parentHash, kind: SOURCE_KIND[known.source], label: known.label, acceptedEdits: [] });
      current = known.parentHash;
      continue;
    }
    const isBase = evolutions.some((state) => state.versions[current!]?.kind === 'base');
    steps.unshift({ hash: current, kind: isBase ? 'base' : 'unknown', acceptedEdits: [] });
    break;
  }
  const parentHashes = steps
    .slice(0, -1)
    .map((step) => step.hash)
    .reverse();
  return { parentHashes, steps };
}

export interface SnapshotInputs extends LineageInputs {
  harness: HarnessDocument;
  label: string;
  exportedBy: string;
  now?: Date;
}

export type SnapshotResult = { ok: true; snapshot: HarnessSnapshotFile } | { ok: false; error: string };

/**
 * Build the snapshot of one version, with every secret scrubbed (model ids can carry URL credentials). A harness that
 * itself holds a credential is refused: scrubbing it would change the version it claims to be.
 */
export function createSnapshot(inputs: SnapshotInputs): SnapshotResult {
  const harnessText = canonicalJson(inputs.harness);
  if (redactSecretsInText(harnessText) !== harnessText) {
    return { ok: false, error: 'this harness contains what looks like a credential (a URL with user:password@, or a key in a query string); remove it, save the result as a new version and export that' };
  }
  const evolution = evolutionOf(inputs.hash, inputs.evolutions);
  const node = evolution?.versions[inputs.hash];
  const snapshot: HarnessSnapshotFile = {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    exportedAt: (inputs.now ?? new Date()).toISOString(),
    exportedBy: inputs.exportedBy,
    label: inputs.label.slice(0, 200) || inputs.harness.name,
    hash: inputs.hash,
    harness: inputs.harness,
    lineage: buildLineage(inputs),
    evolvedOn: evolution
      ? {
          evolutionId: evolution.id,
          agentModelId: evolution.config.agentModelId,
          proposerModelId: evolution.config.proposerModelId,
          suiteId: evolution.config.suiteId,
          suiteHash: evolution.config.suiteHash,
          acceptance: evolution.config.acceptance,
          attempts: evolution.config.attempts,
        }
      : undefined,
    scores: node ? { ...node.scores } : {},
  };
  return { ok: true, snapshot: HarnessSnapshotFile.parse({ ...scrubSecrets(snapshot), harness: inputs.harness }) };
}

/** `My harness v2` → `my-harness-v2.harness.json`. */
export function snapshotFileName(label: string): string {
  const base = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${base || 'harness'}${SNAPSHOT_FILE_SUFFIX}`;
}

export function serializeSnapshot(snapshot: HarnessSnapshotFile): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}
