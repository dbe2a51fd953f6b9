import { type Dispatch, type SetStateAction, useCallback, useState } from 'react';

const PREFIX = 'self-harness-studio:';

/**
 * `useState` that survives a reload: the value is kept in localStorage under `key` (form state and view choices,
 * never secrets). A stored value that no longer fits `accept` is ignored, so an older shape cannot break a form.
 */
export function usePersistentState<T>(key: string, initial: T | (() => T), accept: (value: unknown) => value is T = (_value): _value is T => true): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() => {
    const fallback = typeof initial === 'function' ? (initial as () => T)() : initial;
    try {
      const stored = window.localStorage.getItem(PREFIX + key);
      if (stored === null) return fallback;
      const parsed: unknown = JSON.parse(stored);
      return accept(parsed) ? parsed : fallback;
    } catch {
      return fallback;
    }
  });
  const update = useCallback<Dispatch<SetStateAction<T>>>(
    (next) => {
      setValue((current) => {
        const resolved = typeof next === 'function' ? (next as (value: T) => T)(current) : next;
        try {
          window.localStorage.setItem(PREFIX + key, JSON.stringify(resolved));
        } catch {
          // Storage full or disabled: the value still holds for this page's life.
        }
        return resolved;
      });
    },
    [key],
  );
  return [value, update];
}

/** Read a remembered value outside React (e.g. at boot). */
export function readPersistent<T>(key: string, fallback: T): T {
  try {
    const stored = window.localStorage.getItem(PREFIX + key);
    return stored === null ? fallback : (JSON.parse(stored) as T);
  } catch {
    return fallback;
  }
}
