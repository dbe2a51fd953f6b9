import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseRolloutRecord } from '../core/evolve/state-schema.js';
import type { EvolutionState, EvolutionStore, RolloutRecord } from '../core/evolve/state.js';

/** Write via a temporary file and rename, so a kill never leaves a half-written file behind. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * An evolution in a directory: `state.json` plus one file per rollout under `rollouts/`.
 * The app imports the same directory's files; the CLI resumes from it after a kill. A rollout file that does not
 * validate is moved to `quarantine/` (kept, never deleted) and the rollout runs again.
 */
export class DirectoryEvolutionStore implements EvolutionStore {
  /** Files moved to quarantine in this session, with why. */
  readonly quarantined: Array<{ file: string; reason: string }> = [];

  constructor(readonly directory: string) {}

  private rolloutPath(key: string) {
    return join(this.directory, 'rollouts', `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  }

  async loadState(): Promise<unknown> {
    const path = join(this.directory, 'state.json');
    const text = await readText(path);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`${path} is not valid JSON (${(error as Error).message}); it was left as it is`);
    }
  }

  async saveState(state: EvolutionState): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    await writeAtomically(join(this.directory, 'state.json'), JSON.stringify(state));
  }

  async getRollout(key: string): Promise<RolloutRecord | undefined> {
    const path = this.rolloutPath(key);
    const text = await readText(path);
    if (text === undefined) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      await this.quarantine(path, `not valid JSON: ${(error as Error).message}`);
      return undefined;
    }
    const parsed = parseRolloutRecord(raw, key);
    if (!parsed.ok) {
      await this.quarantine(path, parsed.error);
      return undefined;
    }
    return parsed.value;
  }

  async putRollout(record: RolloutRecord): Promise<void> {
    await mkdir(join(this.directory, 'rollouts'), { recursive: true });
    await writeAtomically(this.rolloutPath(record.key), JSON.stringify(record));
  }

  private async quarantine(path: string, reason: string) {
    const folder = join(this.directory, 'quarantine');
    await mkdir(folder, { recursive: true });
    const target = join(folder, `${Date.now()}-${basename(path)}`);
    await rename(path, target);
    await writeFile(`${target}.reason.txt`, `${reason}\n`);
    this.quarantined.push({ file: target, reason });
  }
}
