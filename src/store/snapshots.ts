import type { EvolutionState } from '../core/evolve/state.js';
import { harnessHash } from '../core/harness/harness.js';
import type { HarnessDocument } from '../core/harness/schema.js';
import { createSnapshot, type HarnessSnapshotFile, type KnownVersion, parseHarnessFile, snapshotFileName } from '../core/share/snapshot.js';
import type { HarnessOrigin, HarnessVersionRecord, StudioDatabase } from './db.js';
import { saveHarnessVersion } from './studio-store.js';

/** Harness snapshot files in and out of the workspace: export any version with its lineage, import one keeping it. */

export const EXPORTED_BY = 'Self-Harness Studio 0.1';

export async function knownVersions(db: StudioDatabase): Promise<Map<string, KnownVersion>> {
  const records = await db.harnesses.toArray();
  return new Map(records.map((record) => [record.hash, { hash: record.hash, parentHash: record.parentHash, label: record.label, source: record.source, importedLineage: record.origin?.lineage }]));
}

/** A version's document and label, from the saved versions or else from any evolution that made it. */
async function findVersion(db: StudioDatabase, hash: string, evolutions: readonly EvolutionState[]): Promise<{ harness: HarnessDocument; label: string } | undefined> {
  const record = await db.harnesses.get(hash);
  if (record) return { harness: record.document, label: record.label };
  for (const state of evolutions) {
    const node = state.versions[hash];
    if (node) return { harness: node.harness, label: `${state.id} ${node.kind === 'base' ? 'base' : node.candidateIds.join(' + ') || node.kind}` };
  }
  return undefined;
}

export type SnapshotExport = { ok: true; snapshot: HarnessSnapshotFile; fileName: string } | { ok: false; error: string };

/** The snapshot of any version — a saved one or one in an evolution's tree — ready to download. */
export async function exportHarnessSnapshot(db: StudioDatabase, hash: string): Promise<SnapshotExport> {
  const evolutions = await db.evolutions.toArray();
  const found = await findVersion(db, hash, evolutions);
  if (!found) return { ok: false, error: `no harness version ${hash.slice(0, 8)} in this workspace` };
  const result = createSnapshot({ hash, harness: found.harness, label: found.label, exportedBy: EXPORTED_BY, versions: await knownVersions(db), evolutions });
  return result.ok ? { ok: true, snapshot: result.snapshot, fileName: snapshotFileName(found.label) } : result;
}

export type SnapshotImport =
  | { ok: true; record: HarnessVersionRecord; /** The version was already in the workspace (it is kept as it was, plus the origin if it had none). */ existed: boolean }
  | { ok: false; errors: string[] };

/** Save a snapshot's version (parent and origin kept), or find the one already saved with the same hash. */
export async function saveSnapshotVersion(db: StudioDatabase, snapshot: HarnessSnapshotFile, origin: HarnessOrigin): Promise<{ record: HarnessVersionRecord; existed: boolean }> {
  const existing = await db.harnesses.get(snapshot.hash);
  if (existing) {
    if (!existing.origin && existing.source === 'import') await db.harnesses.update(existing.hash, { origin });
    return { record: (await db.harnesses.get(existing.hash))!, existed: true };
  }
  // The snapshot's hash was checked against its harness when the file was read; no hashing here, so this can run
  // inside a bundle import's transaction (an awaited Web Crypto call would end it early).
  const record: HarnessVersionRecord = { hash: snapshot.hash, parentHash: snapshot.lineage.parentHashes[0], document: snapshot.harness, label: snapshot.label, source: 'import', createdAt: Date.now(), origin };
  await db.harnesses.add(record);
  return { record, existed: false };
}

/** Import a `*.harness.json` snapshot or a bare harness file, validated; nothing is saved when it is not valid. */
export async function importHarnessFile(db: StudioDatabase, text: string, fileName: string): Promise<SnapshotImport> {
  const parsed = await parseHarnessFile(text);
  if (!parsed.ok) return parsed;
  if (parsed.kind === 'harness') {
    const hash = await harnessHash(parsed.harness);
    const existing = await db.harnesses.get(hash);
    if (existing) return { ok: true, record: existing, existed: true };
    const record = await saveHarnessVersion(db, parsed.harness, { label: parsed.harness.name, source: 'import' });
    const origin: HarnessOrigin = { fileName, importedAt: Date.now() };
    await db.harnesses.update(record.hash, { origin });
    return { ok: true, record: { ...record, origin }, existed: false };
  }
  const { snapshot } = parsed;
  const origin: HarnessOrigin = {
    fileName,
    importedAt: Date.now(),
    exportedAt: snapshot.exportedAt,
    exportedBy: snapshot.exportedBy,
    lineage: snapshot.lineage,
    evolvedOn: snapshot.evolvedOn,
    scores: snapshot.scores,
  };
  return { ok: true, ...(await saveSnapshotVersion(db, snapshot, origin)) };
}
