import { describe, expect, it } from 'vitest';
import { CallLimiter, LimitedModel } from '../../src/core/model/call-limits.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { poolSizeFor } from '../../src/ui/use-sandbox-choice.js';
import type { SandboxFactoryChoice } from '../../src/platform/sandbox-choice.js';

/**
 * The page runs no more episodes at once than the model takes calls: an in-page engine (one call at a time) would
 * otherwise keep a second episode waiting for its turn while that episode's time limit runs, so a slow local model
 * would time out tasks at pool size 2 that pass at pool size 1.
 */
const embedded = { kind: 'embedded' } as unknown as SandboxFactoryChoice;
const webcontainer = { kind: 'webcontainer' } as unknown as SandboxFactoryChoice;
const limitedTo = (calls: number) => new LimitedModel(new ScriptedModel([]), new CallLimiter(calls));

describe("the page's pool size", () => {
  it('is one for an in-page engine, whatever "Episodes at once" says', () => {
    expect(poolSizeFor(embedded, 4, limitedTo(1))).toBe(1);
  });

  it("is the setting when the endpoint takes as many calls, and the endpoint's limit when it takes fewer", () => {
    expect(poolSizeFor(embedded, 3, limitedTo(4))).toBe(3);
    expect(poolSizeFor(embedded, 4, limitedTo(2))).toBe(2);
  });

  it('is one with a WebContainer, which runs one task at a time', () => {
    expect(poolSizeFor(webcontainer, 4, limitedTo(4))).toBe(1);
  });
});
