import { config } from 'zod';

// public/zod-jitless.js sets this before any module loads, in the page; this line covers workers and tests.
// zod compiles object parsers with `new Function` when it can; the page's Content-Security-Policy forbids eval, and
// even zod's probe for it would be reported as a violation. Parsing without the compiled fast path is as correct.
config({ jitless: true });
