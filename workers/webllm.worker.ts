// Hosts the WebLLM engine off the page thread (webllm-host.ts). Loaded through loadWorkerHost so that a host that
// cannot load tells the page why instead of leaving the model load waiting.
import { loadWorkerHost } from './load-worker-host';

await loadWorkerHost(() => import('./webllm-host'));
