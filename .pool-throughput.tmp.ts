// Not committed: a quick throughput check of runEpisodes at pool sizes 1, 2, 4 (scripted model, thread sandboxes).
import { createDefaultHarness, harnessHash } from './src/core/harness/index.js';
import { ScriptedModel } from './src/core/model/scripted.js';
import { episodesOf, runEpisodes } from './src/core/pool/run-episodes.js';
import { createThreadSandbox, prestartSandboxThread, stopIdleSandboxThreads } from './src/cli/thread-sandbox.js';
import { JustBashSandbox } from './src/core/sandbox/just-bash-sandbox.js';
import { agentTurn, tasks } from './tests/fixtures/tiny-world.js';

const harness = createDefaultHarness();
const hash = await harnessHash(harness);
const count = Number(process.argv[2] ?? 60);
const plan = episodesOf(Array.from({ length: count }, (_, index) => tasks[index % tasks.length]), 1);
for (const kind of ['thread', 'in-process'] as const) {
  for (const concurrency of [1, 2, 4]) {
    if (kind === 'thread') prestartSandboxThread(concurrency);
    const model = new ScriptedModel((request) => agentTurn(request), 'scripted:agent');
    const started = performance.now();
    const results = await runEpisodes(plan, { harness, harnessHash: hash, model, createSandbox: kind === 'thread' ? createThreadSandbox : async () => new JustBashSandbox(), concurrency });
    const seconds = (performance.now() - started) / 1000;
    console.log(`${kind} pool ${concurrency}: ${results.length} episodes in ${seconds.toFixed(2)} s, ${(results.length / seconds).toFixed(1)} episodes/s, passes ${results.filter((item) => item.result.outcome === 'pass').length}`);
  }
}
await stopIdleSandboxThreads();
process.exit(0);
