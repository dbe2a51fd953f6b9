import { stopIdleSandboxThreads } from '../../src/cli/thread-sandbox.js';
import { crashResumeFamily } from './families/crash-resume.js';
import { harnessesFamily } from './families/harnesses.js';
import { injectedFailuresFamily } from './families/injected-failures.js';
import { modelOutputFamily } from './families/model-output.js';
import { pageFamily } from './families/page.js';
import { sandboxFamily } from './families/sandbox.js';
import { secretsFamily } from './families/secrets.js';
import { suitesFamily } from './families/suites.js';
import { Random, Reliability, Watchdog } from './reliability.js';

/**
 * `npm run test:reliability`: the fault and fuzz suite. Replays hostile input families with generated inputs
 * (seeded: RELIABILITY_SEED, default 1) and injected faults, then ends with exactly one line:
 *   reliability: N faults injected, M bad inputs tried, L lost, K leaked
 * Exit 0 only when every case held, nothing was lost or leaked, and at least 300 of each kind were tried.
 */

const MINIMUM_EACH = 300;
const seed = Number(process.env.RELIABILITY_SEED ?? 1);
// A secret of the host that nothing inside a sandbox or any output may ever show.
process.env.RELIABILITY_CANARY = `canary-${seed}-${Math.random().toString(36).slice(2)}`;

const watchdog = new Watchdog(20_000);
const reliability = new Reliability(new Random(seed), watchdog);
const started = performance.now();

await reliability.runFamily('suites', suitesFamily);
await reliability.runFamily('harnesses', harnessesFamily);
await reliability.runFamily('model output', modelOutputFamily);
await reliability.runFamily('injected failures', injectedFailuresFamily);
await reliability.runFamily('sandbox abuse', sandboxFamily);
await reliability.runFamily('crash, resume, corruption', crashResumeFamily);
await reliability.runFamily('secrets', secretsFamily);
await reliability.runFamily('page', pageFamily);

await stopIdleSandboxThreads();
await watchdog.stop();

for (const family of reliability.families) {
  console.log(`  ${family.family.padEnd(28)} ${String(family.cases).padStart(4)} cases  ${String(family.failures).padStart(3)} failed  ${(family.ms / 1000).toFixed(1).padStart(6)} s`);
  for (const skipped of family.skipped) console.log(`    skipped: ${skipped}`);
}
console.log(`  slowest: ${reliability.slowest.map((item) => `${item.label} ${(item.ms / 1000).toFixed(1)} s`).join('; ')}`);
for (const failure of reliability.failures) console.log(`FAILED ${failure}`);
const tooFew = reliability.faults < MINIMUM_EACH || reliability.badInputs < MINIMUM_EACH;
if (tooFew) console.log(`FAILED fewer than ${MINIMUM_EACH} faults or bad inputs were tried`);
console.log(`  seed ${seed}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`reliability: ${reliability.faults} faults injected, ${reliability.badInputs} bad inputs tried, ${reliability.lost} lost, ${reliability.leaked} leaked`);
process.exit(reliability.failures.length || tooFew || reliability.lost || reliability.leaked ? 1 : 0);
