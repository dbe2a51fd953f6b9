// Runs before the app's modules: zod reads this when it loads, so it never probes `new Function` (the page's
// Content-Security-Policy forbids eval, and the probe alone would be reported as a violation). Setting it from a
// module is too late: the bundler may evaluate a chunk that builds schemas before the module that sets it.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
