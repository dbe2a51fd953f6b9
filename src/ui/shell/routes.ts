/**
 * The app's URLs: one hash route per page, evolution, run trace, comparison and diff, so any view can be bookmarked
 * or shared. Hash routes work from any static host (and `vite preview`) without server rewrites.
 */

export type PageName = 'run' | 'evolve' | 'versions' | 'matrix' | 'models' | 'learn' | 'workspace';

export type Route =
  | { page: 'run'; traceRunId?: string }
  | { page: 'compare'; leftRunId: string; rightRunId: string }
  /** `rolloutTraceId`: one of the evolution's rollouts open in the trace viewer. */
  | { page: 'evolve'; evolutionId?: string; rolloutTraceId?: string }
  | { page: 'versions'; leftHash?: string; rightHash?: string }
  | { page: 'matrix' }
  | { page: 'models' }
  | { page: 'learn' }
  | { page: 'workspace' };

export const PAGES: Array<{ page: PageName; label: string }> = [
  { page: 'run', label: 'Run tasks' },
  { page: 'evolve', label: 'Evolve the harness' },
  { page: 'versions', label: 'Versions' },
  { page: 'matrix', label: 'Cross-model matrix' },
  { page: 'models', label: 'Models' },
  { page: 'learn', label: 'Learn' },
  { page: 'workspace', label: 'Workspace' },
];

const decode = (part: string | undefined) => (part ? decodeURIComponent(part) : undefined);

/** `#/run/trace/run-abc` → `{ page: 'run', traceRunId: 'run-abc' }`; anything unknown is the start page. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [page, ...rest] = parts;
  switch (page) {
    case 'run':
      return rest[0] === 'trace' && rest[1] ? { page: 'run', traceRunId: decode(rest[1]) } : { page: 'run' };
    case 'compare':
      return rest[0] && rest[1] ? { page: 'compare', leftRunId: decode(rest[0])!, rightRunId: decode(rest[1])! } : { page: 'run' };
    case 'evolve':
      return rest[0] && rest[1] === 'trace' && rest[2] ? { page: 'evolve', evolutionId: decode(rest[0]), rolloutTraceId: decode(rest[2]) } : { page: 'evolve', evolutionId: decode(rest[0]) };
    case 'versions':
      return rest[0] === 'diff' && rest[1] && rest[2] ? { page: 'versions', leftHash: decode(rest[1]), rightHash: decode(rest[2]) } : { page: 'versions' };
    case 'matrix':
    case 'models':
    case 'learn':
    case 'workspace':
      return { page };
    default:
      return { page: 'run' };
  }
}

const encode = encodeURIComponent;

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'run':
      return route.traceRunId ? `#/run/trace/${encode(route.traceRunId)}` : '#/run';
    case 'compare':
      return `#/compare/${encode(route.leftRunId)}/${encode(route.rightRunId)}`;
    case 'evolve':
      if (!route.evolutionId) return '#/evolve';
      return route.rolloutTraceId ? `#/evolve/${encode(route.evolutionId)}/trace/${encode(route.rolloutTraceId)}` : `#/evolve/${encode(route.evolutionId)}`;
    case 'versions':
      return route.leftHash && route.rightHash ? `#/versions/diff/${encode(route.leftHash)}/${encode(route.rightHash)}` : '#/versions';
    default:
      return `#/${route.page}`;
  }
}

/** Which tab a route belongs to (a comparison of two runs lives under Run tasks). */
export const pageOfRoute = (route: Route): PageName => (route.page === 'compare' ? 'run' : route.page);
