import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, LIMITS } from '../../src/core/limits.js';

/** The README's table of limits says what src/core/limits.ts holds: every limit, with its value. */

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the limits table in the README', () => {
  it.each(Object.entries(LIMITS))('lists %s with its value', (name, value) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    expect(row, `no row for ${name}`).toBeDefined();
    const shown = row!.split('|')[2];
    expect(shown.includes(formatCount(value)) || shown.includes(formatBytes(value))).toBe(true);
  });
});
