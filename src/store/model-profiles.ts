import { describeModelProfileProblems, type ModelProfile } from '../core/model/profile.js';
import type { EvolutionProfilesRecord, ModelProfileRecord, StudioDatabase } from './db.js';
import { sessionKeys } from './session-keys.js';
import { getSetting, SETTINGS, setSetting } from './studio-store.js';

/**
 * Saved model profiles, one record each, in the order they were created. API keys are stored here and only here
 * (this browser's IndexedDB), unless the user keeps a key for the session only (then it is in the tab's session
 * storage, see `session-keys.ts`); nothing in the app exports this table.
 */

/** Profile ids whose key is kept for the session only, as of the last listing; the form shows the choice. */
const sessionOnly = new Set<string>();

/** Whether this profile's key is kept for the browser session only (not in IndexedDB). */
export const isKeyKeptForSessionOnly = (profileId: string): boolean => sessionOnly.has(profileId);

/** Whether the profile needs a key it does not have now: one kept for a session that has ended. */
export const isSessionKeyMissing = (profile: ModelProfile): boolean => sessionOnly.has(profile.id) && !apiKeyOf(profile);

function apiKeyOf(profile: ModelProfile): string | undefined {
  return profile.provider === 'openai-compatible' || profile.provider === 'anthropic' ? profile.apiKey || undefined : undefined;
}

function withApiKey(profile: ModelProfile, key: string | undefined): ModelProfile {
  if (profile.provider === 'anthropic') return { ...profile, apiKey: key ?? '' };
  if (profile.provider === 'openai-compatible') {
    const { apiKey: _dropped, ...rest } = profile;
    return key ? { ...rest, apiKey: key } : rest;
  }
  return profile;
}

function profileOf(record: ModelProfileRecord): ModelProfile {
  if (record.keyScope !== 'session') return record.profile;
  return withApiKey(record.profile, sessionKeys.get(record.id));
}

export async function listModelProfiles(db: StudioDatabase): Promise<ModelProfile[]> {
  const records = await db.modelProfiles.orderBy('createdAt').toArray();
  sessionOnly.clear();
  for (const record of records) if (record.keyScope === 'session') sessionOnly.add(record.id);
  return records.map(profileOf);
}

export interface SaveProfileOptions {
  /** Keep the API key in this tab's session storage only: it is not written to IndexedDB and is gone with the tab. */
  keyForSessionOnly?: boolean;
}

export type SaveProfileResult = { ok: true; profiles: ModelProfile[] } | { ok: false; problems: string[] };

/**
 * Create or replace (same id) a profile. Checked in the same transaction as the write, against every other saved
 * profile, so two tabs cannot both save the same name; refused with the reasons when it is not valid.
 */
export async function saveModelProfile(db: StudioDatabase, profile: ModelProfile, options: SaveProfileOptions = {}): Promise<SaveProfileResult> {
  return db.transaction('rw', db.modelProfiles, async () => {
    const saved = await listModelProfiles(db);
    const problems = describeModelProfileProblems(profile, saved);
    if (problems.length) return { ok: false, problems };
    const existing = await db.modelProfiles.get(profile.id);
    const now = Date.now();
    const clean = { ...profile, label: profile.label.trim().replace(/\s+/g, ' ') } as ModelProfile;
    const key = apiKeyOf(clean);
    // The record then holds no key; a session-only profile saved without one (its session ended) stays session-only.
    const forSession = Boolean(options.keyForSessionOnly) && (clean.provider === 'openai-compatible' || clean.provider === 'anthropic');
    await db.modelProfiles.put({
      id: profile.id,
      profile: forSession ? withApiKey(clean, undefined) : clean,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      ...(forSession ? { keyScope: 'session' as const } : {}),
    });
    if (forSession && key) sessionKeys.set(profile.id, key);
    else if (!forSession) sessionKeys.delete(profile.id);
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
    sessionKeys.delete(id);
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
