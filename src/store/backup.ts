import Dexie from 'dexie';
import { exportDB, importDB, peakImportFile } from 'dexie-export-import';
import { collectSecrets, scrubSecrets } from '../core/share/secrets.js';
import { DEFAULT_DB_NAME, type ModelProfileRecord, StudioDatabase } from './db.js';

/**
 * Workspace backup and restore: the whole IndexedDB as one JSON file (dexie-export-import), without API keys.
 * A restore first loads the file into a separate staging database, upgrades it to this app's schema there, and only
 * then replaces the workspace in one transaction — so a foreign, newer or broken file leaves the current data as it was.
 */

export interface BackupProgress {
  phase: 'export' | 'read' | 'replace';
  /** 0…1 */
  fraction: number;
}

export type RestoreResult = { ok: true; rows: number; tables: number; keptKeys: number } | { ok: false; error: string };

export async function exportWorkspace(db: StudioDatabase, onProgress: (progress: BackupProgress) => void = () => {}): Promise<Blob> {
  const secrets = collectSecrets(await db.modelProfiles.toArray());
  return exportDB(db, {
    numRowsPerChunk: 500,
    // Keys stay in this browser: API key fields are dropped and any copy of a key or a URL credential is redacted.
    transform: (_table, value, key) => ({ value: scrubSecrets(value, secrets), key }),
    progressCallback: (progress) => {
      onProgress({ phase: 'export', fraction: progress.totalRows ? progress.completedRows / progress.totalRows : progress.done ? 1 : 0 });
      return true;
    },
  });
}

export const backupFileName = (now = new Date()) => `self-harness-workspace-${now.toISOString().slice(0, 10)}.json`;

type BackupMeta = Awaited<ReturnType<typeof peakImportFile>>;

/** Why a file cannot be restored into `db`, or its header when it is a backup this app can read. */
async function check(db: StudioDatabase, file: Blob): Promise<{ refusal: string } | { meta: BackupMeta }> {
  let meta: BackupMeta;
  try {
    meta = await peakImportFile(file);
  } catch {
    return { refusal: 'this file is not a workspace backup (not a database export made by "Back up workspace")' };
  }
  const refusal = refusalOf(db, meta);
  return refusal ? { refusal } : { meta };
}

function refusalOf(db: StudioDatabase, meta: BackupMeta): string | undefined {
  if (meta.formatName !== 'dexie' || !meta.data) return 'this file is not a workspace backup (not a database export made by "Back up workspace")';
  if (!meta.data.databaseName.startsWith(DEFAULT_DB_NAME)) return `this is a backup of another database ("${meta.data.databaseName}"), not of a Self-Harness Studio workspace`;
  if (meta.data.databaseVersion > db.verno) {
    return `this backup was made by a newer version of Self-Harness Studio (workspace format ${meta.data.databaseVersion}; this app reads up to ${db.verno}). Update the app, then restore it.`;
  }
  const ours = new Set(db.tables.map((table) => table.name));
  const foreign = meta.data.tables.map((table) => table.name).filter((name) => !ours.has(name));
  if (foreign.length) return `this backup has tables this app does not know (${foreign.join(', ')}); it is not a Self-Harness Studio workspace of this version`;
  return undefined;
}

/**
 * Replace the workspace with a backup. Nothing changes unless the whole file was read and upgraded; API keys of
 * profiles that exist in both are kept (the backup never holds them).
 */
export async function restoreWorkspace(db: StudioDatabase, file: Blob, onProgress: (progress: BackupProgress) => void = () => {}): Promise<RestoreResult> {
  const checked = await check(db, file);
  if ('refusal' in checked) return { ok: false, error: checked.refusal };
  const stagingName = `${db.name}-restore-${Date.now().toString(36)}`;
  let staging: Dexie | undefined;
  let upgraded: StudioDatabase | undefined;
  try {
    try {
      staging = await importDB(file, {
        name: stagingName,
        chunkSizeBytes: 1_000_000,
        progressCallback: (progress) => {
          onProgress({ phase: 'read', fraction: progress.totalRows ? progress.completedRows / progress.totalRows : 0 });
          return true;
        },
      });
    } catch (error) {
      return { ok: false, error: `the backup could not be read: ${(error as Error).message}` };
    }
    // A cut-off file can still parse up to where it ends; every table must hold the rows its header promises.
    for (const table of checked.meta.data.tables) {
      const count = await staging.table(table.name).count();
      if (count !== table.rowCount) return { ok: false, error: `the backup is incomplete (table ${table.name}: ${count} of ${table.rowCount} rows); nothing was changed` };
    }
    staging.close();
    // Open the staged copy with this app's schema: an older backup goes through the same migrations as an old workspace.
    upgraded = new StudioDatabase(stagingName);
    await upgraded.open();
    const contents = new Map<string, unknown[]>();
    for (const table of upgraded.tables) contents.set(table.name, await table.toArray());
    const currentProfiles = new Map((await db.modelProfiles.toArray()).map((record) => [record.id, record.profile]));
    let keptKeys = 0;
    const profiles = (contents.get('modelProfiles') ?? []) as ModelProfileRecord[];
    for (const record of profiles) {
      const current = currentProfiles.get(record.id) as { apiKey?: string } | undefined;
      const restored = record.profile as { apiKey?: string; provider: string };
      if (current?.apiKey && !restored.apiKey) {
        restored.apiKey = current.apiKey;
        keptKeys++;
      } else if (restored.provider === 'anthropic' && restored.apiKey === undefined) restored.apiKey = '';
    }
    const total = [...contents.values()].reduce((sum, rows) => sum + rows.length, 0);
    let done = 0;
    await db.transaction('rw', db.tables, async () => {
      for (const table of db.tables) {
        await table.clear();
        const rows = contents.get(table.name) ?? [];
        if (rows.length) await table.bulkAdd(rows);
        done += rows.length;
        onProgress({ phase: 'replace', fraction: total ? done / total : 1 });
      }
    });
    return { ok: true, rows: total, tables: contents.size, keptKeys };
  } catch (error) {
    return { ok: false, error: `the restore failed and nothing was changed: ${(error as Error).message}` };
  } finally {
    upgraded?.close();
    staging?.close();
    await Dexie.delete(stagingName).catch(() => undefined);
  }
}
