// Hosts one embedded just-bash sandbox (sandbox-host.ts). Loaded through loadWorkerHost so that a host that
// cannot load tells the page why instead of leaving its run waiting.
import { loadWorkerHost } from './load-worker-host';

await loadWorkerHost(() => import('./sandbox-host'));
