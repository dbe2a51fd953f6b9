/**
 * API keys the user chose to keep for this browser session only: held in `sessionStorage` (gone when the tab
 * closes; kept across a reload of the same tab), never in IndexedDB. Where `sessionStorage` is missing or refused
 * (a sandboxed frame, Node in tests) they are held in memory for the life of the page.
 */
export interface KeyStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function memoryStorage(): KeyStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

function defaultStorage(): KeyStorage {
  try {
    const storage = (globalThis as { sessionStorage?: KeyStorage }).sessionStorage;
    if (storage) {
      storage.getItem('self-harness:probe');
      return storage;
    }
  } catch {
    // Access refused (e.g. storage disabled): keep keys in memory instead.
  }
  return memoryStorage();
}

let storage: KeyStorage | undefined;
const PREFIX = 'self-harness:api-key:';

const store = () => (storage ??= defaultStorage());

export const sessionKeys = {
  get: (profileId: string): string | undefined => store().getItem(PREFIX + profileId) ?? undefined,
  set: (profileId: string, key: string): void => store().setItem(PREFIX + profileId, key),
  delete: (profileId: string): void => store().removeItem(PREFIX + profileId),
};

/** Replaces where session keys live; a new empty storage is a new browser session (for tests). */
export function useKeyStorage(next: KeyStorage = memoryStorage()): void {
  storage = next;
}
