import type { Task } from '../types.js';
import { once } from './generated.js';
import { byCodePoint, lines, pad, pick, pickWeighted, randInt, seededRng, shuffled } from './seeded.js';
import { withVerifyLib } from './verify-lib.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// ---------------------------------------------------------------------------------------------
// top-5xx-endpoints

/** [path, traffic weight, chance of a 5xx]; chosen so the top five are well separated from the rest. */
const ENDPOINTS: [string, number, number][] = [
  ['/api/orders', 14, 0.09],
  ['/api/checkout', 6, 0.2],
  ['/api/search', 16, 0.05],
  ['/api/users', 12, 0.02],
  ['/api/cart', 10, 0.06],
  ['/api/payments/charge', 4, 0.22],
  ['/static/app.js', 20, 0.002],
  ['/health', 8, 0.0],
  ['/login', 6, 0.015],
  ['/api/inventory', 5, 0.03],
];

const AGENTS = ['curl/8.4.0', 'Mozilla/5.0 (X11; Linux x86_64)', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 'okhttp/4.12.0', 'python-requests/2.31.0'];

function makeAccessLog(): { log: string; report: string } {
  const rng = seededRng(5150);
  const counts = new Map<string, number>();
  const out: string[] = [];
  let t = Date.UTC(2024, 2, 1, 9, 0, 0);
  for (let i = 0; i < 1500; i++) {
    t += randInt(rng, 0, 4) * 1000;
    const d = new Date(t);
    const stamp = `${pad(d.getUTCDate(), 2)}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)} +0000`;
    const [path, , failRate] = pickWeighted(rng, ENDPOINTS.map((e) => [e, e[1]] as const));
    const failed = rng() < failRate;
    const status = failed ? pick(rng, [500, 502, 503, 504]) : pickWeighted(rng, [[200, 80], [201, 5], [304, 8], [404, 5], [499, 2]] as const);
    if (failed) counts.set(path, (counts.get(path) ?? 0) + 1);
    const query = rng() < 0.4 ? `?id=${randInt(rng, 1, 999)}` : rng() < 0.1 ? `?q=status+500&page=${randInt(rng, 1, 5)}` : '';
    const method = path === '/api/checkout' || path === '/api/payments/charge' || path === '/login' ? 'POST' : 'GET';
    // Response sizes often look like 5xx status codes — a trap for a careless grep.
    const bytes = rng() < 0.2 ? randInt(rng, 500, 599) : randInt(rng, 80, 48000);
    const ip = `10.${randInt(rng, 0, 3)}.${randInt(rng, 0, 255)}.${randInt(rng, 1, 254)}`;
    out.push(`${ip} - - [${stamp}] "${method} ${path}${query} HTTP/1.1" ${status} ${bytes} "-" "${pick(rng, AGENTS)}"`);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0])).slice(0, 5);
  return { log: lines(out), report: lines(top.map(([path, n]) => `${n} ${path}`)) };
}

const accessLog = once(makeAccessLog);

const top5xxEndpoints: Task = {
  id: 'top-5xx-endpoints',
  title: 'Find the endpoints with the most server errors',
  instruction: `\`logs/access.log\` is a web server access log in the combined log format, e.g.

    10.0.3.17 - - [01/Mar/2024:09:00:04 +0000] "GET /api/orders?id=42 HTTP/1.1" 502 512 "-" "curl/8.4.0"

(the number after the request is the status code, the next one the response size in bytes).

Write \`report.txt\` with the 5 request paths that got the most **5xx** responses (status 500–599), one per line as \`COUNT PATH\`, most errors first; break ties by path alphabetically. The path is the URL without its query string (\`/api/orders?id=42\` counts as \`/api/orders\`).`,
  get initialFiles() {
    return { 'logs/access.log': accessLog().log };
  },
  get verifier() {
    return {
      files: { 'expected-report.txt': accessLog().report },
      script: withVerifyLib(`
[ -f report.txt ] || fail "report.txt is missing"
same_text report.txt "$(awk 'NF { $1 = $1; print }' report.txt)" /verifier/expected-report.txt
echo "report.txt is correct"
`),
    };
  },
  solution: `
awk '$9 ~ /^5[0-9][0-9]$/ { split($7, url, "?"); n[url[1]]++ } END { for (p in n) print n[p], p }' logs/access.log \\
  | sort -k1,1nr -k2,2 | head -n 5 > report.txt
`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 10,
  category: 'log-analysis',
  difficulty: 'medium',
  tags: ['awk', 'access-log', 'sort'],
};

// ---------------------------------------------------------------------------------------------
// errors-per-hour-rotated

const SERVICES = ['api', 'payments', 'auth', 'worker', 'mailer'];
const MESSAGES: Record<string, string[]> = {
  DEBUG: ['cache lookup key=user:{n}', 'sql took {n}ms', 'retry budget {n}'],
  INFO: ['request handled in {n}ms', 'job {n} finished', 'retrying after ERROR from upstream (attempt {n})', 'user {n} logged in'],
  WARN: ['slow response {n}ms', 'ERROR budget at {n}% of monthly limit', 'queue depth {n}'],
  ERROR: ['charge failed: upstream timeout after {n}ms', 'could not send mail #{n}', 'db connection reset ({n})', 'unhandled exception in job {n}'],
  FATAL: ['worker {n} crashed, restarting'],
};

interface AppLogs {
  files: string[];
  csv: string;
}

function makeAppLogs(): AppLogs {
  const rng = seededRng(90210);
  const perHour = new Map<string, number>();
  const chunks: string[][] = [[], [], []];
  let t = Date.UTC(2024, 2, 1, 0, 3, 0);
  for (let i = 0; i < 2100; i++) {
    // Bursty: long quiet stretches, and an incident around 14:00 on day one.
    const incident = t >= Date.UTC(2024, 2, 1, 13, 40) && t < Date.UTC(2024, 2, 1, 15, 10);
    t += randInt(rng, 5, incident ? 25 : 110) * 1000;
    const stamp = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const level = pickWeighted(rng, [['DEBUG', 20], ['INFO', 50], ['WARN', 10], ['ERROR', incident ? 45 : 5], ['FATAL', 0.5]] as const);
    const message = pick(rng, MESSAGES[level]).replace('{n}', String(randInt(rng, 1, 9999)));
    const chunk = chunks[Math.min(2, Math.floor((i * 3) / 2100))];
    chunk.push(`${stamp} ${level} [${pick(rng, SERVICES)}] ${message}`);
    if (level === 'ERROR') perHour.set(stamp.slice(0, 13), (perHour.get(stamp.slice(0, 13)) ?? 0) + 1);
    if ((level === 'ERROR' || level === 'FATAL') && rng() < 0.3) {
      chunk.push(`  at handler (src/${pick(rng, SERVICES)}.js:${randInt(rng, 1, 400)})`);
      // Continuation lines can even repeat a timestamp and the word ERROR; they are not entries.
      if (rng() < 0.25) chunk.push(`    ${stamp} ERROR (repeated by upstream proxy)`);
      chunk.push(`  at process (node:internal/${randInt(rng, 1, 40)})`);
    }
  }
  const hours = [...perHour].sort((a, b) => byCodePoint(a[0], b[0]));
  // chunks[0] is the oldest → app.log.2 (gzipped by the setup script), chunks[2] the newest → app.log.
  return { files: chunks.map((c) => lines(c)), csv: lines(['hour,count', ...hours.map(([h, n]) => `${h},${n}`)]) };
}

const appLogs = once(makeAppLogs);

const errorsPerHour: Task = {
  id: 'errors-per-hour-rotated',
  title: 'Count errors per hour across rotated logs',
  instruction: `The service logs to \`logs/app.log\`; older entries were rotated to \`logs/app.log.1\` and, older still, \`logs/app.log.2.gz\` (gzip-compressed). An entry looks like

    2024-03-01T14:03:27Z ERROR [payments] charge failed: upstream timeout after 3000ms

Levels are DEBUG, INFO, WARN, ERROR and FATAL. Some entries are followed by continuation lines (stack traces) that **start with whitespace**; those are not entries, whatever they contain. Messages may mention the word ERROR without being errors.

Write \`errors-per-hour.csv\` counting the entries with level **ERROR** in each hour, across all three files:

- first line exactly \`hour,count\`;
- then one line per hour that has at least one error, as \`2024-03-01T14,37\` (the hour is the first 13 characters of the timestamp);
- sorted by hour, oldest first.`,
  get initialFiles() {
    return {
      'logs/app.log.2': appLogs().files[0],
      'logs/app.log.1': appLogs().files[1],
      'logs/app.log': appLogs().files[2],
    };
  },
  setupScript: 'gzip logs/app.log.2',
  get verifier() {
    return {
      files: { 'expected-errors-per-hour.csv': appLogs().csv },
      script: withVerifyLib(`
same_file errors-per-hour.csv /verifier/expected-errors-per-hour.csv
echo "errors-per-hour.csv is correct"
`),
    };
  },
  solution: `
{ zcat logs/app.log.2.gz; cat logs/app.log.1 logs/app.log; } \\
  | awk '/^[0-9]/ && $2 == "ERROR" { n[substr($1, 1, 13)]++ } END { for (h in n) print h "," n[h] }' \\
  | sort > /tmp/hours.csv
{ echo 'hour,count'; cat /tmp/hours.csv; } > errors-per-hour.csv
`,
  agentTimeoutSec: 240,
  verifierTimeoutSec: 10,
  category: 'log-analysis',
  difficulty: 'hard',
  tags: ['zcat', 'awk', 'log-rotation', 'multi-file'],
};

// ---------------------------------------------------------------------------------------------
// failed-logins-blocklist

const USERS = ['root', 'admin', 'ubuntu', 'test', 'oracle', 'git', 'postgres', 'deploy'];

function makeAuthLog(): { log: string; blocklist: string } {
  const rng = seededRng(2222);
  // Attackers with distinct failure counts (no ties among those at 5 or more); noise IPs below the threshold.
  const attackers: [string, number][] = [
    ['203.0.113.5', 23], ['198.51.100.77', 14], ['192.0.2.200', 9], ['45.33.12.8', 6], ['185.220.101.3', 5],
    ['203.0.113.50', 4], ['100.64.2.9', 3], ['198.51.100.7', 1], ['10.0.0.5', 2],
  ];
  const events: string[] = [];
  for (const [ip, n] of attackers) {
    for (let i = 0; i < n; i++) {
      const user = pick(rng, USERS);
      const invalid = user !== 'root' && user !== 'deploy' && rng() < 0.7;
      // One attacker tries the user name "from", which breaks a naive "the word after from" parse.
      const name = ip === '45.33.12.8' && i === 0 ? 'from' : user;
      events.push(`Failed password for ${invalid || name === 'from' ? 'invalid user ' : ''}${name} from ${ip} port ${randInt(rng, 1024, 65535)} ssh2`);
    }
  }
  for (let i = 0; i < 30; i++) {
    const ip = `10.0.${randInt(rng, 0, 3)}.${randInt(rng, 2, 250)}`;
    events.push(
      pick(rng, [
        `Accepted publickey for deploy from ${ip} port ${randInt(rng, 1024, 65535)} ssh2: RSA SHA256:abc${i}`,
        `Connection closed by authenticating user root 203.0.113.5 port ${randInt(rng, 1024, 65535)} [preauth]`,
        `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5`,
        `Disconnected from invalid user admin 198.51.100.77 port ${randInt(rng, 1024, 65535)} [preauth]`,
      ]),
    );
  }
  const shuffledEvents = shuffled(rng, events);
  let t = Date.UTC(2024, 2, 3, 0, 0, 0);
  const out = shuffledEvents.map((event) => {
    t += randInt(rng, 1, 120) * 1000;
    const d = new Date(t);
    const stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    const daemon = event.startsWith('pam_unix') || rng() < 0.9 ? `sshd[${randInt(rng, 1000, 9999)}]` : 'sshd';
    return `${stamp} web1 ${daemon}: ${event}`;
  });
  out.splice(17, 0, 'Mar  3 00:31:00 web1 CRON[2211]: pam_unix(cron:session): session opened for user root by (uid=0)');
  out.splice(40, 0, 'Mar  3 00:59:59 web1 sudo:   alice : Failed password attempt noted in audit; TTY=pts/0 ; PWD=/home/alice');
  const blocked = attackers.filter(([, n]) => n >= 5).sort((a, b) => b[1] - a[1]);
  return { log: lines(out), blocklist: lines(blocked.map(([ip, n]) => `${ip} ${n}`)) };
}

const authLog = once(makeAuthLog);

const failedLoginsBlocklist: Task = {
  id: 'failed-logins-blocklist',
  title: 'Build an SSH blocklist from failed logins',
  instruction: `\`logs/auth.log\` is a syslog file from an SSH server. A failed login attempt is an \`sshd\` line like

    Mar  3 00:14:09 web1 sshd[4242]: Failed password for invalid user admin from 198.51.100.77 port 50412 ssh2
    Mar  3 00:15:31 web1 sshd[4250]: Failed password for root from 203.0.113.5 port 41022 ssh2

(user names are attacker-chosen and can be any word). Other lines — accepted logins, closed connections, PAM messages, other programs — are not failed password attempts.

Write \`blocklist.txt\`: every source IP address with **5 or more** failed password attempts, one per line as \`IP COUNT\`, highest count first.`,
  get initialFiles() {
    return { 'logs/auth.log': authLog().log };
  },
  get verifier() {
    return {
      files: { 'expected-blocklist.txt': authLog().blocklist },
      script: withVerifyLib(`
[ -f blocklist.txt ] || fail "blocklist.txt is missing"
same_text blocklist.txt "$(awk 'NF { $1 = $1; print }' blocklist.txt)" /verifier/expected-blocklist.txt
echo "blocklist.txt is correct"
`),
    };
  },
  solution: `
grep -E 'sshd(\\[[0-9]+\\])?: Failed password for ' logs/auth.log | awk '{ n[$(NF - 3)]++ } END { for (ip in n) if (n[ip] >= 5) print ip, n[ip] }' | sort -k2,2nr > blocklist.txt
`,
  agentTimeoutSec: 120,
  verifierTimeoutSec: 10,
  category: 'log-analysis',
  difficulty: 'easy',
  tags: ['grep', 'awk', 'syslog', 'security'],
};

// ---------------------------------------------------------------------------------------------
// session-durations

const SESSION_USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];

function makeSessions(): { log: string; csv: string } {
  const rng = seededRng(1313);
  const events: Array<{ t: number; line: string }> = [];
  const totals = new Map<string, { sessions: number; seconds: number }>();
  const start = Date.UTC(2024, 3, 8, 18, 0, 0);
  for (let i = 1; i <= 40; i++) {
    const user = pick(rng, SESSION_USERS);
    const login = start + randInt(rng, 0, 10 * 3600) * 1000; // evening to early morning: crosses midnight
    const seconds = randInt(rng, 30, 3 * 3600);
    const id = `s${pad(i, 3)}`;
    const stamp = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    events.push({ t: login, line: `${stamp(login)} login user=${user} session=${id}` });
    const open = i % 9 === 0; // still logged in: no logout
    if (!open) {
      events.push({ t: login + seconds * 1000, line: `${stamp(login + seconds * 1000)} logout user=${user} session=${id}` });
      const total = totals.get(user) ?? { sessions: 0, seconds: 0 };
      totals.set(user, { sessions: total.sessions + 1, seconds: total.seconds + seconds });
    }
    if (i % 13 === 0) events.push({ t: login + 5000, line: `${stamp(login + 5000)} heartbeat user=${user} session=${id}` });
  }
  // A logout whose login was rotated away yesterday: ignored.
  events.push({ t: start + 60_000, line: `${new Date(start + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')} logout user=bob session=s000` });
  events.sort((a, b) => a.t - b.t);
  const rows = [...totals].sort((a, b) => byCodePoint(a[0], b[0])).map(([user, { sessions, seconds }]) => `${user},${sessions},${seconds}`);
  return { log: lines(events.map((e) => e.line)), csv: lines(['user,sessions,total_seconds', ...rows]) };
}

const sessions = once(makeSessions);

const sessionDurations: Task = {
  id: 'session-durations',
  title: 'Total session time per user',
  instruction: `\`logs/sessions.log\` records logins and logouts (UTC), e.g.

    2024-04-08T23:58:10Z login user=alice session=s007
    2024-04-09T00:41:55Z logout user=alice session=s007

A session is a \`login\` and the \`logout\` with the same \`session=\` id; its duration is the time between them in seconds (sessions can cross midnight, and sessions of different users overlap). Logins without a logout (still open) and logouts without a login don't count; other events are ignored.

Write \`durations.csv\`: the header \`user,sessions,total_seconds\`, then one line per user with at least one complete session — the number of complete sessions and their total duration in seconds — sorted by user name.`,
  get initialFiles() {
    return { 'logs/sessions.log': sessions().log };
  },
  get verifier() {
    return {
      files: { 'expected-durations.csv': sessions().csv },
      script: withVerifyLib(`
same_file durations.csv /verifier/expected-durations.csv
echo "durations.csv is correct"
`),
    };
  },
  solution: `
while read -r stamp event user session; do
  case "$event" in login|logout) echo "$(date -u -d "$stamp" +%s) $event \${user#user=} \${session#session=}" ;; esac
done < logs/sessions.log > /tmp/events.txt
awk '
  $2 == "login" { start[$4] = $1; who[$4] = $3 }
  $2 == "logout" && ($4 in start) { n[who[$4]]++; s[who[$4]] += $1 - start[$4]; delete start[$4] }
  END { for (u in n) print u "," n[u] "," s[u] }
' /tmp/events.txt | sort > /tmp/rows.csv
{ echo 'user,sessions,total_seconds'; cat /tmp/rows.csv; } > durations.csv
`,
  agentTimeoutSec: 240,
  verifierTimeoutSec: 10,
  category: 'log-analysis',
  difficulty: 'medium',
  tags: ['timestamps', 'pairing', 'awk', 'date'],
};

// ---------------------------------------------------------------------------------------------
// jsonl-errors-per-service

function makeJsonl(): { text: string; expected: unknown } {
  const rng = seededRng(5555);
  const services = ['api', 'billing', 'search', 'mailer', 'auth'];
  const lines_: string[] = [];
  const errors = new Map<string, Array<{ ts: string; msg: string }>>();
  const base = Date.UTC(2024, 4, 1, 12, 0, 0);
  for (let i = 0; i < 400; i++) {
    const service = pick(rng, services.slice(0, 4)); // auth only logs info (added below)
    const t = base + randInt(rng, 0, 3_600_000);
    const ts = new Date(t).toISOString();
    const level = pickWeighted(rng, [['debug', 20], ['info', 50], ['warn', 12], ['error', service === 'mailer' ? 2 : 8], ['fatal', 1]] as const);
    const printed = rng() < 0.2 ? level.toUpperCase() : level;
    const msg = pick(rng, ['timeout talking to db', 'retrying request', 'cache miss', 'payment declined', 'index rebuilt', 'user not found', 'smtp 451 try later']) + ` #${randInt(rng, 1, 9999)}`;
    lines_.push(JSON.stringify({ ts, service, level: printed, msg, ...(rng() < 0.3 ? { req: `r-${randInt(rng, 1, 99999)}` } : {}) }));
    if (level === 'error' || level === 'fatal') errors.set(service, [...(errors.get(service) ?? []), { ts, msg }]);
  }
  for (let i = 0; i < 15; i++) lines_.push(JSON.stringify({ ts: new Date(base + i * 60_000).toISOString(), service: 'auth', level: 'info', msg: 'login ok' }));
  const mixed = shuffled(rng, lines_);
  // Truncated lines from a crashed shipper: not JSON, skipped.
  mixed.splice(50, 0, '{"ts":"2024-05-01T11:00:00.000Z","service":"api","level":"error","msg":"trunc');
  mixed.splice(200, 0, '{"ts":"2024-05-01T11:59:59.999Z","service":"billing","lev');
  const expected: Record<string, unknown> = {};
  for (const [service, list] of errors) {
    const first = [...list].sort((a, b) => byCodePoint(a.ts, b.ts))[0];
    expected[service] = { count: list.length, first: { ts: first.ts, msg: first.msg } };
  }
  return { text: lines(mixed), expected };
}

const jsonl = once(makeJsonl);

const jsonlErrorsPerService: Task = {
  id: 'jsonl-errors-per-service',
  title: 'Summarize errors per service from JSON-lines logs',
  instruction: `\`logs/events.jsonl\` holds one JSON object per line, from several hosts, **not** in time order:

    {"ts":"2024-05-01T12:34:56.789Z","service":"api","level":"error","msg":"timeout talking to db #17"}

A few lines were cut off by a crashing log shipper and are not valid JSON — skip them. Levels are written in upper or lower case; an **error** is a line whose level is \`error\` or \`fatal\` (any case).

Write \`errors.json\`: a JSON object with one key per service that has at least one error, whose value is \`{"count": <number of errors>, "first": {"ts": <ts>, "msg": <msg>}}\` — \`first\` being that service's earliest error by timestamp. Services without errors are left out.`,
  get initialFiles() {
    return { 'logs/events.jsonl': jsonl().text };
  },
  get verifier() {
    return {
      files: { 'expected-errors.json': `${JSON.stringify(jsonl().expected)}\n` },
      script: withVerifyLib(`
same_json errors.json /verifier/expected-errors.json
echo "errors.json is correct"
`),
    };
  },
  solution: `
jq -R -c 'fromjson? | select((.level | ascii_downcase) == "error" or (.level | ascii_downcase) == "fatal")' logs/events.jsonl \\
  | jq -s 'group_by(.service) | map({key: .[0].service, value: {count: length, first: (min_by(.ts) | {ts, msg})}}) | from_entries' > errors.json
`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 10,
  category: 'log-analysis',
  difficulty: 'medium',
  tags: ['jq', 'jsonl', 'malformed-input', 'group-by'],
};

// ---------------------------------------------------------------------------------------------
// latency-percentiles

const LATENCY_ENDPOINTS: Array<[string, number, number]> = [
  // [method path, typical ms, tail ms]
  ['GET /api/users', 40, 400],
  ['GET /api/orders', 90, 1500],
  ['POST /api/orders', 180, 2600],
  ['GET /api/search', 120, 900],
  ['GET /static/app.js', 8, 60],
  ['POST /api/login', 250, 700],
];

function makeLatencyLog(): { log: string; csv: string } {
  const rng = seededRng(9595);
  const samples = new Map<string, number[]>();
  const out: string[] = [];
  let t = Date.UTC(2024, 5, 1, 8, 0, 0);
  for (let i = 0; i < 1200; i++) {
    t += randInt(rng, 0, 3) * 1000;
    const [endpoint, typical, tail] = pick(rng, LATENCY_ENDPOINTS);
    const [method, path] = endpoint.split(' ');
    const stamp = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const query = rng() < 0.3 ? `?page=${randInt(rng, 1, 9)}` : '';
    if (rng() < 0.02) {
      out.push(`${stamp} ${method} ${path}${query} 504 -`); // timed out: no latency
      continue;
    }
    const ms = rng() < 0.08 ? randInt(rng, tail / 2, tail) : randInt(rng, Math.max(1, typical / 2), typical * 2);
    const status = rng() < 0.03 ? 500 : 200;
    out.push(`${stamp} ${method} ${path}${query} ${status} ${ms}ms`);
    samples.set(endpoint, [...(samples.get(endpoint) ?? []), ms]);
  }
  // Health checks have no latency recorded at all.
  for (let i = 0; i < 5; i++) out.splice(100 * i + 7, 0, `2024-06-01T08:0${i}:00Z GET /health 200 -`);
  const rank = (sorted: number[], p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1];
  const rows = [...samples].map(([endpoint, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { endpoint, count: sorted.length, p50: rank(sorted, 50), p95: rank(sorted, 95), max: sorted[sorted.length - 1] };
  });
  rows.sort((a, b) => b.p95 - a.p95 || byCodePoint(a.endpoint, b.endpoint));
  const p95s = rows.map((r) => r.p95);
  if (new Set(p95s).size !== p95s.length) throw new Error('latency-percentiles: p95 ties make the order ambiguous');
  return { log: lines(out), csv: lines(['endpoint,count,p50,p95,max', ...rows.map((r) => `${r.endpoint},${r.count},${r.p50},${r.p95},${r.max}`)]) };
}

const latencyLog = once(makeLatencyLog);

const latencyPercentiles: Task = {
  id: 'latency-percentiles',
  title: 'Compute latency percentiles per endpoint',
  instruction: `\`logs/requests.log\` has one request per line:

    2024-06-01T08:00:03Z GET /api/orders?page=2 200 87ms

(timestamp, method, URL, status, latency). Requests that timed out have \`-\` instead of a latency; leave them out entirely.

For each endpoint — the method and the URL path without its query string, e.g. \`GET /api/orders\` — compute over its requests (all statuses):

- \`count\`: the number of requests with a latency;
- \`p50\` and \`p95\`: percentiles by the **nearest-rank** method — sort the latencies ascending; the p-th percentile is the value at position ⌈p/100 × count⌉ (1-based);
- \`max\`: the largest latency.

Write \`latency.csv\` with the header \`endpoint,count,p50,p95,max\` and one line per endpoint (latencies as plain numbers of milliseconds, e.g. \`GET /api/orders,201,90,1320,1498\`), sorted by p95, highest first.`,
  get initialFiles() {
    return { 'logs/requests.log': latencyLog().log };
  },
  get verifier() {
    return {
      files: { 'expected-latency.csv': latencyLog().csv },
      script: withVerifyLib(`
same_file latency.csv /verifier/expected-latency.csv
echo "latency.csv is correct"
`),
    };
  },
  solution: `
awk '$5 != "-" { split($3, url, "?"); ms = $5; sub(/ms$/, "", ms); print $2 " " url[1] "\\t" ms }' logs/requests.log \\
  | sort -t "$(printf '\\t')" -k1,1 -k2,2n > /tmp/samples.tsv
awk -F '\\t' '
  $1 != key { if (key != "") emit(); key = $1; n = 0 }
  { v[++n] = $2 }
  END { emit() }
  function emit(   i50, i95) {
    i50 = int((50 * n + 99) / 100); i95 = int((95 * n + 99) / 100)
    print key "," n "," v[i50] "," v[i95] "," v[n]
  }
' /tmp/samples.tsv | sort -t, -k4,4nr > /tmp/rows.csv
{ echo 'endpoint,count,p50,p95,max'; cat /tmp/rows.csv; } > latency.csv
`,
  agentTimeoutSec: 300,
  verifierTimeoutSec: 10,
  category: 'log-analysis',
  difficulty: 'hard',
  tags: ['percentiles', 'awk', 'sort', 'statistics'],
};

export const logAnalysisTasks: Task[] = [top5xxEndpoints, errorsPerHour, failedLoginsBlocklist, sessionDurations, jsonlErrorsPerService, latencyPercentiles];

