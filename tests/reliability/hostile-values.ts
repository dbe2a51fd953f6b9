import type { Random } from './reliability.js';

/** Values a hostile or careless file puts where a field should be: wrong types, extremes, traps for parsers. */
export function hostileValue(random: Random): unknown {
  const deep = (levels: number): unknown => {
    let value: unknown = 'bottom';
    for (let index = 0; index < levels; index++) value = random.chance(0.5) ? [value] : { nested: value };
    return value;
  };
  const choices: Array<() => unknown> = [
    () => ({ x: 1 }),
    () => [],
    () => [[1, 2], { a: null }],
    () => 42,
    () => -1,
    () => 0,
    () => 1e308,
    () => -1e308,
    () => 2.5,
    () => true,
    () => null,
    () => '',
    () => '   ',
    () => 'x'.repeat(random.pick([1000, 300_000])),
    () => '../../../../etc/passwd',
    () => '/absolute/path',
    () => 'a\u0000b',
    () => '\u202eevil\u202c',
    () => '😀'.repeat(50),
    () => JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}'),
    () => deep(random.between(20, 120)),
    () => ({ '../escape.txt': 'x', '/abs.txt': 'y' }),
    () => ({ 'ok.txt': 7 }),
    () => ['bash', 'gpu'],
    () => random.text(random.between(1, 200)),
    () => 'http://user:secret-password@example.com/v1',
  ];
  return random.pick(choices)();
}

/** A copy of `value` with one field at a random path (among `paths`) replaced by a hostile value or removed. */
export function mutate<T extends Record<string, unknown>>(value: T, paths: readonly string[], random: Random): { mutated: Record<string, unknown>; path: string } {
  const mutated = structuredClone(value) as Record<string, unknown>;
  const path = random.pick(paths);
  const parts = path.split('.');
  let target: Record<string, unknown> = mutated;
  for (const part of parts.slice(0, -1)) {
    if (!target[part] || typeof target[part] !== 'object') target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (random.chance(0.1)) delete target[last];
  else target[last] = hostileValue(random);
  return { mutated, path };
}

/** Whether anything polluted Object.prototype (a `__proto__` key taken as a prototype). */
export function prototypePolluted(): boolean {
  return ({} as Record<string, unknown>).polluted !== undefined;
}
