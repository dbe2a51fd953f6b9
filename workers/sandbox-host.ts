// The embedded just-bash sandbox, loaded by sandbox.worker.ts. The page kills the worker when a command outlives
// its timeout, because just-bash cannot interrupt a tight loop from inside (see RestartableSandbox).
import './buffer-global';
import { expose } from 'comlink';
import { createSandboxWorkerApi } from '../src/core/sandbox/sandbox-worker-api';

expose(createSandboxWorkerApi());
