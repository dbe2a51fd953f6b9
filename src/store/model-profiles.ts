import { describeModelProfileProblems, type ModelProfile } from '../core/model/profile.js';
import type { EvolutionProfilesRecord, StudioDatabase } from './db.js';
import { getSetting, SETTINGS, setSetting } from './studio-store.js';

/**
 * Saved model profiles, one record each, in the order they were created. API keys are stored here and only here
 * (this browser's IndexedDB); nothing in the app exports this table.
 */

export async function listModelProfiles(db: StudioDatabase): Promise<ModelProfile[]> {
  const records = await db.modelProfiles.orderBy('createdAt').toArray();
  return records.map((record) => record.profile);
}

export type SaveProfileResult = { ok: true; profiles: ModelProfile[] } | { ok: false; problems: string[] };

/**
 * Create or replace (same id) a profile. Checked in the same transaction as the write, against every other saved
 * profile, so two tabs cannot both save the same name; refused with the reasons when it is not valid.
 */
export async function saveModelProfile(db: StudioDatabase, profile: ModelProfile): Promise<SaveProfileResult> {
  return db.transaction('rw', db.modelProfiles, async () => {
    const saved = await listModelProfiles(db);
    const problems = describeModelProfileProblems(profile, saved);
    if (problems.length) return { ok: false, problems };
    const existing = await db.modelProfiles.get(profile.id);
    const now = Date.now();
    const clean = { ...profile, label: profile.label.trim().replace(/\s+/g, ' ') } as ModelProfile;
    await db.modelProfiles.put({ id: profile.id, profile: clean, createdAt: existing?.createdAt ?? now, updatedAt: now });
    return { ok: true, profiles: await listModelProfiles(db) };
  });
}

/**
 * Delete a profile. When it was the active one, the first remaining profile becomes active (or none is), and the
 * returned `activeProfileId` says which. Evolutions that ran with it keep its id and name, so resuming one says which
 * profile is gone.
 */
export async function deleteModelProfile(db: StudioDatabase, id: string): Promise<{ profiles: ModelProfile[]; activeProfileId?: string }> {
  return db.transaction('rw', db.modelProfiles, db.settings, async () => {
    await db.modelProfiles.delete(id);
    const profiles = await listModelProfiles(db);
    let activeProfileId = await getActiveModelProfileId(db);
    if (activeProfileId === id) {
      activeProfileId = profiles[0]?.id;
      await setSetting(db, SETTINGS.activeModelProfileId, activeProfileId);
    }
    return { profiles, activeProfileId };
  });
}

export const getActiveModelProfileId = (db: StudioDatabase) => getSetting<string | undefined>(db, SETTINGS.activeModelProfileId, undefined);

/** The profile the Run page uses (and the Evolve page offers first as the agent). */
export const setActiveModelProfileId = (db: StudioDatabase, id: string) => setSetting(db, SETTINGS.activeModelProfileId, id);

/** Remember which profiles an evolution runs with; replaced when a resume picks other ones. */
export async function saveEvolutionProfiles(db: StudioDatabase, record: EvolutionProfilesRecord): Promise<void> {
  await db.evolutionProfiles.put(record);
}

export function getEvolutionProfiles(db: StudioDatabase, evolutionId: string): Promise<EvolutionProfilesRecord | undefined> {
  return db.evolutionProfiles.get(evolutionId);
}
