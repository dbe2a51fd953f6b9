import { createDefaultHarness } from '../core/harness/default-harness.js';
import type { ModelProfile } from '../core/model/profile.js';
import { applyConnectPolicy } from '../platform/connect-policy.js';
import type { SandboxPreference } from '../platform/sandbox-choice.js';
import { type HarnessVersionRecord, StudioDatabase } from '../store/db.js';
import { getActiveModelProfileId, listModelProfiles } from '../store/model-profiles.js';
import { getSetting, recoverInterruptedRuns, SETTINGS, saveHarnessVersion, setSetting } from '../store/studio-store.js';

/** What the app needs before it can show anything: the database and the user's choices from last time. */
export interface StudioBoot {
  db: StudioDatabase;
  activeHarness: HarnessVersionRecord;
  profiles: ModelProfile[];
  activeProfile?: ModelProfile;
  sandboxPreference: SandboxPreference;
  /** Episodes at once, as last chosen; undefined until the user picks one (then the machine's default). */
  poolSize?: number;
  /** Runs left `running` by a closed tab, now marked as interrupted. */
  recoveredRuns: number;
}

export const DEFAULT_HARNESS_LABEL = 'Default (minimal start)';

let booting: Promise<StudioBoot> | undefined;

/**
 * Open the database, mark runs a closed tab left behind, make sure the default harness exists as a version,
 * and restore the active harness and model. A first visit gets the default harness as the active one.
 */
export function bootStudio(): Promise<StudioBoot> {
  // One boot per page: React's StrictMode runs effects twice, and two boots would race to save the default harness.
  booting ??= openStudio(new StudioDatabase()).catch((error: unknown) => {
    booting = undefined;
    throw error;
  });
  return booting;
}

async function openStudio(db: StudioDatabase): Promise<StudioBoot> {
  await db.open();
  // Independent reads and writes go together: the start page waits for all of them.
  const [recoveredRuns, defaultVersion, activeHash, profiles, activeProfileId, sandboxSetting, poolSize] = await Promise.all([
    recoverInterruptedRuns(db),
    saveHarnessVersion(db, createDefaultHarness(), { source: 'default', label: DEFAULT_HARNESS_LABEL }),
    getSetting<string | undefined>(db, SETTINGS.activeHarnessHash, undefined),
    listModelProfiles(db),
    getActiveModelProfileId(db),
    getSetting<string>(db, SETTINGS.sandboxPreference, 'just-bash'),
    getSetting<number | undefined>(db, SETTINGS.poolSize, undefined),
  ]);
  // Before anything connects: from here on the page reaches only the saved model hosts (and the fixed ones).
  applyConnectPolicy(profiles);
  let activeHarness = activeHash ? await db.harnesses.get(activeHash) : undefined;
  if (!activeHarness) {
    activeHarness = defaultVersion;
    await setSetting(db, SETTINGS.activeHarnessHash, activeHarness.hash);
  }
  const activeProfile = profiles.find((profile) => profile.id === activeProfileId);
  const sandboxPreference = sandboxSetting === 'webcontainer' ? 'webcontainer' : 'just-bash';
  return { db, activeHarness, profiles, activeProfile, sandboxPreference, poolSize: typeof poolSize === 'number' ? poolSize : undefined, recoveredRuns };
}
