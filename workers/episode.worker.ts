// Hosts one episode at a time — agent loop, tools, verifier, and its sandbox as a nested worker (episode-host.ts).
// Loaded through loadWorkerHost so that a host that cannot load tells the page why instead of leaving its episode waiting.
import { loadWorkerHost } from './load-worker-host';

await loadWorkerHost(() => import('./episode-host'));
