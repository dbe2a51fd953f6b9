// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelProfile } from '../../src/core/model/profile.js';
import { StudioDatabase } from '../../src/store/db.js';
import { isSessionKeyMissing, listModelProfiles, saveModelProfile } from '../../src/store/model-profiles.js';
import { useKeyStorage } from '../../src/store/session-keys.js';
import { ModelPanel } from '../../src/ui/ModelPanel.js';
import type { ModelLoader } from '../../src/ui/use-model-loader.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** "Keep the key for this session only": the key is never written to IndexedDB and is gone with the session. */

const KEY = 'sk-session-only-0123456789';
let dbCount = 0;
const freshDb = async () => {
  const db = new StudioDatabase(`session-keys-${++dbCount}`);
  await db.open();
  return db;
};

/** Every string stored anywhere in the database. */
async function storedText(db: StudioDatabase): Promise<string> {
  const tables = await Promise.all(db.tables.map((table) => table.toArray()));
  return JSON.stringify(tables);
}

const profile: ModelProfile = { id: 'p1', provider: 'openai-compatible', label: 'Remote', baseUrl: 'https://api.example.com/v1', model: 'm', apiKey: KEY, actionProtocol: 'native_tools' };

afterEach(() => useKeyStorage());

describe('API keys kept for this session only', () => {
  it('are held outside IndexedDB, listed back in the same session, and missing (and said to be) in the next', async () => {
    useKeyStorage();
    const db = await freshDb();
    const saved = await saveModelProfile(db, profile, { keyForSessionOnly: true });
    expect(saved.ok).toBe(true);
    expect(await storedText(db)).not.toContain(KEY);
    expect((await listModelProfiles(db))[0]).toMatchObject({ apiKey: KEY });

    useKeyStorage(); // the tab was closed: a new, empty session storage
    const next = (await listModelProfiles(db))[0];
    expect(next.provider === 'openai-compatible' && next.apiKey).toBeFalsy();
    expect(isSessionKeyMissing(next)).toBe(true);

    // Saved the ordinary way, the key is stored as before.
    await saveModelProfile(db, profile);
    expect(await storedText(db)).toContain(KEY);
  });

  it('an Anthropic profile keeps its key for the session, and a copy of it stays session-only', async () => {
    useKeyStorage();
    const db = await freshDb();
    const anthropic: ModelProfile = { id: 'a1', provider: 'anthropic', label: 'Claude', apiKey: KEY, model: 'claude-haiku-4-5' };
    expect((await saveModelProfile(db, anthropic, { keyForSessionOnly: true })).ok).toBe(true);
    expect(await storedText(db)).not.toContain(KEY);
    expect((await listModelProfiles(db))[0]).toMatchObject({ apiKey: KEY });
  });

  it('the Model panel offers the choice, and saving with it ticked writes no key to the database', async () => {
    useKeyStorage();
    const db = await freshDb();
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    const loader: ModelLoader = { ensure: vi.fn(), unload: vi.fn() };
    const onChanged = vi.fn();
    await act(async () => root.render(createElement(ModelPanel, { db, profiles: [], loader, onChanged })));
    const type = async (testId: string, value: string) => {
      const input = container.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`)!;
      await act(async () => {
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        setter.call(input, value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
    };
    await type('model-base-url', 'https://api.example.com/v1');
    await type('model-name', 'gpt-4o-mini');
    await type('model-api-key', KEY);
    const box = container.querySelector<HTMLInputElement>('[data-testid="model-key-session-only"]')!;
    expect(box.checked).toBe(false);
    await act(async () => box.click());
    expect(box.checked).toBe(true);
    await act(async () => container.querySelector<HTMLButtonElement>('[data-testid="model-save"]')!.click());
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(await storedText(db)).not.toContain(KEY);
    const [listed] = await listModelProfiles(db);
    expect(listed).toMatchObject({ apiKey: KEY, model: 'gpt-4o-mini' });
    await act(async () => root.unmount());
  });
});
