import { describe, expect, it } from 'vitest';
import { parseRoute, type Route, routeHref } from '../../src/ui/shell/routes.js';

/** Every view has a URL that opens the same view again (a bookmark, a link in a bug report). */
describe('hash routes', () => {
  it('round-trips every kind of view and falls back to the start page', () => {
    const routes: Route[] = [
      { page: 'run' },
      { page: 'run', traceRunId: 'run-abc-123' },
      { page: 'compare', leftRunId: 'run-a', rightRunId: 'run-b' },
      { page: 'evolve' },
      { page: 'evolve', evolutionId: 'evo-20261130' },
      { page: 'evolve', evolutionId: 'evo-20261130', rolloutTraceId: 'rollout-m3x-1a2b3c4d' },
      { page: 'versions' },
      { page: 'versions', leftHash: 'a'.repeat(64), rightHash: 'b'.repeat(64) },
      { page: 'matrix' },
      { page: 'models' },
      { page: 'learn' },
      { page: 'workspace' },
    ];
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route);
    expect(parseRoute('')).toEqual({ page: 'run' });
    expect(parseRoute('#/nowhere/x')).toEqual({ page: 'run' });
    expect(routeHref({ page: 'run', traceRunId: 'a/b c' })).toBe('#/run/trace/a%2Fb%20c');
    expect(parseRoute('#/run/trace/a%2Fb%20c')).toEqual({ page: 'run', traceRunId: 'a/b c' });
  });
});
