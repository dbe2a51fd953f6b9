// Entry point of the CLI's episode worker_thread. The CLI runs TypeScript sources through tsx; a worker thread starts
// without the parent's loader, so it registers tsx itself before loading the host.
import { register } from 'tsx/esm/api';

register();
await import('./episode-thread-host.ts');
