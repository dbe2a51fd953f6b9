import type { Task } from '../types.js';
import { once } from './generated.js';
import { byCodePoint, lines, pad, pick, randInt, seededRng, shq, shuffled } from './seeded.js';
import { withVerifyLib } from './verify-lib.js';

// ---------------------------------------------------------------------------------------------
// fix-backup-script

const BROKEN_BACKUP = `# usage: bash backup.sh SOURCE_DIR DEST_DIR
# Archives every file under SOURCE_DIR, except files whose name ends in .tmp, into DEST_DIR/backup.tar.gz
# (paths inside the archive are relative to SOURCE_DIR), and writes DEST_DIR/manifest.txt: the archived
# paths, relative to SOURCE_DIR, one per line, sorted. DEST_DIR is created if needed and may already exist.
set -e
SRC=$1
DEST=$2
mkdir $DEST
cd $SRC
FILES=$(find . -type f -not -name *.tmp | sed 's|^\\./||' | sort)
tar -czf $DEST/backup.tar.gz $FILES
echo $FILES > $DEST/manifest.txt
echo "backed up $(echo $FILES | wc -w) files"
`;

const MY_DOCS: Record<string, string> = {
  'notes 2024.txt': 'call the plumber\nrenew passport\n',
  'budget.csv': 'month,amount\njan,1200\nfeb,1100\n',
  'drafts/plan.md': '# Plan\n\n1. finish the backup script\n',
  'drafts/plan.md.tmp': 'autosave\n',
  'photos/cat on sofa.jpg': 'JFIF:cat\n',
  'cache.tmp': 'scratch\n',
};

const HIDDEN_TREE: Record<string, string> = {
  'a b.txt': 'first file\n',
  'sub dir/c.txt': 'nested file\n',
  'sub dir/deeper/d e f.log': 'deep file\n',
  'sub dir/keep.tmp.txt': 'not a tmp file\n',
  'skip.tmp': 'skipped\n',
  'sub dir/also skip.tmp': 'skipped\n',
  'zeta.md': 'last\n',
};

const manifestOf = (tree: Record<string, string>) =>
  lines(Object.keys(tree).filter((p) => !p.endsWith('.tmp')).sort());

const fixBackupScript: Task = {
  id: 'fix-backup-script',
  title: 'Fix a broken backup script',
  instruction: `\`backup.sh\` is supposed to do what its header comment says, but \`bash backup.sh "my docs" backups\` fails.

Fix \`backup.sh\` (keep the same usage, \`bash backup.sh SOURCE_DIR DEST_DIR\`) so that it works for any source and destination: relative or absolute paths, file and directory names containing spaces, and a destination directory that already exists. Then run \`bash backup.sh "my docs" backups\`.

The manifest lists one path per line, e.g. \`drafts/plan.md\`, without a leading \`./\`.`,
  initialFiles: {
    'backup.sh': BROKEN_BACKUP,
    ...Object.fromEntries(Object.entries(MY_DOCS).map(([p, c]) => [`my docs/${p}`, c])),
  },
  verifier: {
    files: {
      ...Object.fromEntries(Object.entries(HIDDEN_TREE).map(([p, c]) => [`src tree/${p}`, c])),
      'expected-my-docs.txt': manifestOf(MY_DOCS),
      'expected-hidden.txt': manifestOf(HIDDEN_TREE),
    },
    script: withVerifyLib(`
[ -f backup.sh ] || fail "backup.sh is missing"
# listing ARCHIVE: the files in a .tar.gz, without ./ prefixes or directory entries, sorted.
listing() { tar -tzf "$1" | sed 's|^\\./||' | grep -v '/$' | grep -v '^$' | sort; }
check_backup() {
  dest=$1; expected=$2; label=$3
  [ -f "$dest/backup.tar.gz" ] || fail "$label: $dest/backup.tar.gz is missing"
  same_file "$dest/manifest.txt" "$expected"
  listing "$dest/backup.tar.gz" > /tmp/listing.txt || fail "$label: $dest/backup.tar.gz is not a readable .tar.gz"
  same_file /tmp/listing.txt "$expected"
}
check_backup backups /verifier/expected-my-docs.txt "the my docs backup"

# Absolute paths, spaces everywhere.
bash backup.sh "/verifier/src tree" "/tmp/out dir" > /dev/null 2>&1 || fail "bash backup.sh '/verifier/src tree' '/tmp/out dir' failed"
check_backup "/tmp/out dir" /verifier/expected-hidden.txt "absolute paths"
rm -rf /tmp/extract && mkdir -p /tmp/extract && tar -xzf "/tmp/out dir/backup.tar.gz" -C /tmp/extract
[ "$(cat "/tmp/extract/sub dir/deeper/d e f.log" 2>/dev/null)" = "deep file" ] || fail "extracting the archive does not give back 'sub dir/deeper/d e f.log'"

# Relative paths from another directory, then again into the now existing destination.
cd /verifier
bash /work/backup.sh "src tree" "rel out" > /dev/null 2>&1 || fail "bash backup.sh 'src tree' 'rel out' (relative paths) failed"
check_backup "/verifier/rel out" /verifier/expected-hidden.txt "relative paths"
bash /work/backup.sh "src tree" "rel out" > /dev/null 2>&1 || fail "running backup.sh again into an existing destination failed"
check_backup "/verifier/rel out" /verifier/expected-hidden.txt "existing destination"
echo "backup.sh works"
`),
  },
  solution: `
cat > backup.sh <<'EOF'
# usage: bash backup.sh SOURCE_DIR DEST_DIR
# Archives every file under SOURCE_DIR, except files whose name ends in .tmp, into DEST_DIR/backup.tar.gz
# (paths inside the archive are relative to SOURCE_DIR), and writes DEST_DIR/manifest.txt: the archived
# paths, relative to SOURCE_DIR, one per line, sorted. DEST_DIR is created if needed and may already exist.
set -e
SRC=$1
DEST=$2
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
cd "$SRC"
find . -type f ! -name '*.tmp' | sed 's|^\\./||' | sort > "$DEST/manifest.txt"
mapfile -t FILES < "$DEST/manifest.txt"
tar -czf "$DEST/backup.tar.gz" "\${FILES[@]}"
echo "backed up \${#FILES[@]} files"
EOF
bash backup.sh "my docs" backups
`,
  agentTimeoutSec: 240,
  verifierTimeoutSec: 20,
  category: 'error-recovery',
  difficulty: 'medium',
  tags: ['quoting', 'tar', 'debugging', 'spaces-in-names'],
  // The script under repair is a tar script; the in-browser sandbox has no tar.
  requires: ['tar'],
};

// ---------------------------------------------------------------------------------------------
// resume-interrupted-migration

interface V1Record {
  id: number;
  name: string;
  tags: string;
  created: string;
}

const GIVEN = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Frances', 'John', 'Radia', 'Tim'];
const FAMILY = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Allen', 'Backus', 'Perlman', 'Lee'];
const TAGS = ['math', 'compilers', 'networks', 'os', 'theory', 'history', 'languages'];

function makeRecords(): V1Record[] {
  const rng = seededRng(3030);
  return Array.from({ length: 30 }, (_, i) => ({
    id: i + 1,
    name: `${pick(rng, GIVEN)} ${pick(rng, FAMILY)}`,
    tags: shuffled(rng, TAGS).slice(0, randInt(rng, 0, 3)).join(','),
    created: `20${pad(randInt(rng, 10, 23), 2)}-${pad(randInt(rng, 1, 12), 2)}-${pad(randInt(rng, 1, 28), 2)}`,
  }));
}

const toV2 = (r: V1Record) => ({
  id: r.id,
  full_name: r.name,
  tags: r.tags === '' ? [] : r.tags.split(','),
  created_at: `${r.created}T00:00:00Z`,
  schema: 2,
});

const MIGRATE_SH = `# Migrates data/v1/*.json (schema 1) to data/v2/ (schema 2), one record at a time.
# Re-runnable: records that already exist in data/v2/ are skipped.
LOCK=migrate.lock
if [ -e "$LOCK" ]; then
  echo "migrate: $LOCK exists: another migration is running ($(cat "$LOCK")). Aborting." >&2
  exit 1
fi
echo "pid 4242 started $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$LOCK"
mkdir -p data/v2
for f in data/v1/*.json; do
  [ -e "$f" ] || continue
  id=$(basename "$f" .json)
  if [ -e "data/v2/$id.json" ]; then
    echo "skip $id (already migrated)"
    continue
  fi
  jq -c '{id, full_name: .name, tags: (if .tags == "" then [] else (.tags | split(",")) end), created_at: (.created + "T00:00:00Z"), schema: 2}' "$f" > "data/v2/$id.json" || {
    echo "migrate: failed on $f" >&2
    exit 1
  }
  rm "$f"
  echo "migrated $id"
done
rm -f "$LOCK"
echo "migration complete"
`;

const v1Json = (r: V1Record) => `${JSON.stringify(r, null, 2)}\n`;

function migrationState(): Record<string, string> {
  const records = makeRecords();
  const files: Record<string, string> = {
    'migrate.sh': MIGRATE_SH,
    'migrate.lock': 'pid 4242 started 2024-05-01T03:12:09Z\n',
  };
  for (const r of records) {
    const v2 = `${JSON.stringify(toV2(r))}\n`;
    if (r.id <= 12) files[`data/v2/${r.id}.json`] = v2; // migrated before the crash
    else if (r.id === 13) {
      files[`data/v2/13.json`] = v2; // written, but the v1 file was never removed
      files[`data/v1/13.json`] = v1Json(r);
    } else if (r.id === 14) {
      files[`data/v2/14.json`] = v2.slice(0, 23); // the crash hit mid-write
      files[`data/v1/14.json`] = v1Json(r);
    } else if (r.id === 23) {
      // Hand-edited at some point: a trailing comma makes it invalid JSON, which is what crashed the run.
      files[`data/v1/23.json`] = v1Json(r).replace(/"\n}/, '",\n}');
    } else files[`data/v1/${r.id}.json`] = v1Json(r);
  }
  return files;
}

const migrationRecords = once(makeRecords);

const resumeMigration: Task = {
  id: 'resume-interrupted-migration',
  title: 'Recover from an interrupted data migration',
  instruction: `\`migrate.sh\` converts the records in \`data/v1/\` (schema 1) to \`data/v2/\` (schema 2). Its last run crashed part-way and left the workspace in an inconsistent state.

Finish the migration. When you are done:

- every record (ids 1–30) must exist exactly once, as \`data/v2/<id>.json\`, in the schema-2 format that \`migrate.sh\` produces from the schema-1 record;
- \`data/v1/\` must contain no \`.json\` files, and \`data/v2/\` nothing but the 30 records;
- no \`migrate.lock\` may remain.

No migration is actually running. Don't lose any record's data; if a source record is malformed, repair it minimally (keep its values) and migrate it.`,
  initialFiles: migrationState(),
  get verifier() {
    return {
      files: Object.fromEntries(migrationRecords().map((r) => [`expected/${r.id}.json`, `${JSON.stringify(toV2(r))}\n`])),
      script: withVerifyLib(`
[ ! -e migrate.lock ] || fail "migrate.lock is still there"
left=$(find data/v1 -name '*.json' 2>/dev/null | wc -l)
[ "$left" -eq 0 ] || fail "data/v1 still holds $left .json files"
for i in $(seq 1 30); do
  f=data/v2/$i.json
  [ -f "$f" ] || fail "$f is missing"
  jq empty "$f" 2>/dev/null && [ -s "$f" ] || fail "$f is not valid JSON"
  [ "$(canon "$f")" = "$(canon "/verifier/expected/$i.json")" ] || fail "$f does not hold the migrated record $i"
done
n=$(find data/v2 -type f | wc -l)
[ "$n" -eq 30 ] || fail "data/v2 holds $n files, expected exactly 30"
echo "migration finished correctly"
`),
    };
  },
  solution: `
rm -f migrate.lock
# Drop half-written v2 files, then v1 files whose v2 copy is complete.
for f in data/v2/*.json; do
  if ! jq empty "$f" 2>/dev/null || [ ! -s "$f" ]; then rm -f "$f"; fi
done
for f in data/v1/*.json; do
  id=$(basename "$f" .json)
  if [ -e "data/v2/$id.json" ]; then rm -f "$f"; fi
done
# Repair the malformed source record (a trailing comma).
for f in data/v1/*.json; do
  if ! jq empty "$f" 2>/dev/null; then
    awk '{ l[NR] = $0 } END { for (i = 1; i <= NR; i++) { x = l[i]; if (l[i + 1] ~ /^[[:space:]]*}/) sub(/,[[:space:]]*$/, "", x); print x } }' "$f" > "$f.fixed"
    mv "$f.fixed" "$f"
  fi
  jq empty "$f"
done
bash migrate.sh
`,
  agentTimeoutSec: 300,
  verifierTimeoutSec: 20,
  category: 'error-recovery',
  difficulty: 'hard',
  tags: ['stale-lock', 'idempotency', 'jq', 'partial-state'],
};

// ---------------------------------------------------------------------------------------------
// repair-broken-json

const BROKEN_SETTINGS = `{
  // Service settings — someone edited this by hand.
  "name": "ledger",
  "port": 8080,
  "hosts": [
    "a.example.com",
    "b.example.com",
  ],
  "limits": {
    "max_upload_mb": 25,
    "rate_per_minute": 600,
  },
  "motd": "Hello, world! // not a comment",
  "flags": {"audit": true, "beta": false},
}
`;

const SETTINGS_VALUE = {
  name: 'ledger',
  port: 8080,
  hosts: ['a.example.com', 'b.example.com'],
  limits: { max_upload_mb: 25, rate_per_minute: 600 },
  motd: 'Hello, world! // not a comment',
  flags: { audit: true, beta: false },
};

const START_SH = `# Starts the service (here: records the settings it would start with).
set -e
jq empty settings.json
name=$(jq -r .name settings.json)
port=$(jq -r .port settings.json)
hosts=$(jq -r '.hosts | join(",")' settings.json)
echo "started $name on :$port for $hosts (upload limit $(jq -r .limits.max_upload_mb settings.json) MB)" > started.txt
cat started.txt
`;

const repairBrokenJson: Task = {
  id: 'repair-broken-json',
  title: 'Repair a hand-edited JSON settings file',
  instruction: `\`bash start.sh\` fails: \`settings.json\` was edited by hand and is no longer valid JSON (comments, trailing commas).

Repair \`settings.json\` so that it is valid JSON holding exactly the values it was meant to hold — remove what JSON does not allow, keep every key and value (the \`motd\` text stays exactly as written). Then run \`bash start.sh\`. Don't change \`start.sh\`.`,
  initialFiles: { 'settings.json': BROKEN_SETTINGS, 'start.sh': START_SH },
  verifier: {
    files: { 'expected-settings.json': `${JSON.stringify(SETTINGS_VALUE)}\n` },
    script: withVerifyLib(`
same_json settings.json /verifier/expected-settings.json
[ -f started.txt ] || fail "start.sh was not run after the repair"
grep -qxF 'started ledger on :8080 for a.example.com,b.example.com (upload limit 25 MB)' started.txt || fail "started.txt does not show a successful start"
echo "settings repaired and service started"
`),
  },
  solution: `
# Drop whole-line // comments, then trailing commas before a closing bracket or brace.
grep -v '^[[:space:]]*//' settings.json | tr '\\n' '\\r' | sed -E 's/,([[:space:]\\r]*[]}])/\\1/g' | tr '\\r' '\\n' > /tmp/settings.json
jq . /tmp/settings.json > settings.json
bash start.sh
`,
  agentTimeoutSec: 120,
  verifierTimeoutSec: 10,
  category: 'error-recovery',
  difficulty: 'easy',
  tags: ['json', 'jq', 'syntax-errors', 'repair'],
};

// ---------------------------------------------------------------------------------------------
// free-space-for-job

const QUOTA = 20_000;

const JOB_SH = `# Nightly job: summarizes workspace/data/*.csv into output/summary.txt.
# It refuses to run when workspace/ uses more than ${QUOTA} bytes.
used=$(find workspace -type f | while IFS= read -r f; do wc -c < "$f"; done | awk '{ s += $1 } END { print s + 0 }')
if [ "$used" -gt ${QUOTA} ]; then
  echo "job: quota exceeded: $used bytes used in workspace/, limit ${QUOTA}. Free some space." >&2
  exit 1
fi
mkdir -p output
for f in workspace/data/*.csv; do
  rows=$(tail -n +2 "$f" | grep -c .)
  total=$(tail -n +2 "$f" | awk -F, '{ s += $2 } END { print s + 0 }')
  echo "$(basename "$f" .csv) rows=$rows total=$total"
done > output/summary.txt
echo "job: wrote output/summary.txt"
`;

function makeWorkspace(): { files: Record<string, string>; summary: string; keep: string[] } {
  const rng = seededRng(6060);
  const files: Record<string, string> = {};
  const summary: string[] = [];
  for (const name of ['north', 'south', 'west']) {
    const rows = Array.from({ length: randInt(rng, 20, 60) }, (_, i) => `${i + 1},${randInt(rng, 1, 999)}`);
    files[`workspace/data/${name}.csv`] = lines(['id,amount', ...rows]);
    summary.push(`${name} rows=${rows.length} total=${rows.reduce((s, r) => s + Number(r.split(',')[1]), 0)}`);
  }
  const blob = (n: number) => `${Array.from({ length: n }, () => 'x'.repeat(99)).join('\n')}\n`;
  files['workspace/cache/render-1.tmp'] = blob(150);
  files['workspace/cache/render-2.tmp'] = blob(120);
  files['workspace/cache/thumbs.tmp'] = blob(90);
  files['workspace/logs/job.log'] = lines(['job started', 'job finished']);
  files['workspace/logs/job.log.1'] = blob(100);
  files['workspace/logs/job.log.2'] = blob(80);
  files['workspace/keep/contract.pdf.txt'] = blob(40);
  files['workspace/keep/README'] = 'Do not delete anything in keep/.\n';
  const keep = ['workspace/keep/contract.pdf.txt', 'workspace/keep/README', 'workspace/logs/job.log'];
  // Only removing both the caches and the rotated logs gets under the quota.
  const size = (skip: RegExp) => Object.entries(files).filter(([path]) => !skip.test(path)).reduce((sum, [, content]) => sum + content.length, 0);
  if (!(size(/cache\//) > QUOTA && size(/[.]log[.]\d$/) > QUOTA && size(/cache\/|[.]log[.]\d$/) <= QUOTA)) throw new Error('free-space-for-job: the quota does not force both cleanups');
  return { files, summary: lines(summary), keep };
}

const workspace = once(makeWorkspace);

const freeSpaceForJob: Task = {
  id: 'free-space-for-job',
  title: 'Free disk space so a nightly job can run',
  instruction: `The nightly job \`bash job.sh\` fails. Make it succeed: run it so that it writes \`output/summary.txt\`.

Rules for cleaning up:

- files the job reads, and everything in \`workspace/keep/\`, must stay untouched;
- the current log \`workspace/logs/job.log\` stays; rotated logs (\`*.log.1\`, \`*.log.2\`, …) and cache files (\`workspace/cache/\`) may be deleted;
- don't change \`job.sh\` or its limit.`,
  get initialFiles() {
    return { 'job.sh': JOB_SH, ...workspace().files };
  },
  get verifier() {
    return {
      files: {
        'expected-summary.txt': workspace().summary,
        ...Object.fromEntries([...workspace().keep, 'workspace/data/north.csv', 'workspace/data/south.csv', 'workspace/data/west.csv'].map((path) => [`original/${path}`, workspace().files[path]])),
      },
      script: withVerifyLib(`
same_file output/summary.txt /verifier/expected-summary.txt
for f in ${[...workspace().keep, 'workspace/data/north.csv', 'workspace/data/south.csv', 'workspace/data/west.csv'].join(' ')}; do
  [ -f "$f" ] || fail "$f was deleted but had to stay"
  [ "$(md5sum < "$f")" = "$(md5sum < "/verifier/original/$f")" ] || fail "$f was changed but had to stay untouched"
done
grep -q 'quota' job.sh && grep -q '${QUOTA}' job.sh || fail "job.sh or its limit was changed"
echo "the job ran within its quota"
`),
    };
  },
  solution: `
rm -rf workspace/cache
find workspace/logs -type f -name '*.log.[0-9]*' | while IFS= read -r f; do rm -f "$f"; done
bash job.sh
`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 10,
  category: 'error-recovery',
  difficulty: 'medium',
  tags: ['disk-quota', 'careful-deletes', 'debugging'],
};

// ---------------------------------------------------------------------------------------------
// fix-report-script-bugs

const BUGGY_REPORT = `# usage: bash report.sh ORDERS.csv
# ORDERS.csv: header "order_id,customer,amount", then one order per line (amounts like 12.50; the file may
# come from Windows with CRLF line endings). Prints one line per customer, "CUSTOMER TOTAL" with TOTAL the
# sum of their amounts with exactly two decimals, highest total first; equal totals by customer name.
tail -n +1 "$1" | awk -F, '{ t[$2] += $2 } END { for (c in t) printf "%s %d\\n", c, t[c] }' | sort -k2 -n
`;

interface OrderCase {
  file: string;
  csv: string;
  report: string;
}

function ordersCase(file: string, seed: number, count: number, crlf: boolean): OrderCase {
  const rng = seededRng(seed);
  const customers = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark'];
  const cents = new Map<string, number>();
  const rows = ['order_id,customer,amount'];
  for (let i = 0; i < count; i++) {
    const customer = pick(rng, customers);
    const amount = randInt(rng, 100, 99999);
    cents.set(customer, (cents.get(customer) ?? 0) + amount);
    rows.push(`${1000 + i},${customer},${Math.floor(amount / 100)}.${pad(amount % 100, 2)}`);
  }
  // A tie, broken by name.
  const [first] = [...cents.keys()].sort(byCodePoint);
  rows.push(`${1000 + count},zeta,${Math.floor(cents.get(first)! / 100)}.${pad(cents.get(first)! % 100, 2)}`);
  cents.set('zeta', cents.get(first)!);
  const report = [...cents].sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0])).map(([c, v]) => `${c} ${Math.floor(v / 100)}.${pad(v % 100, 2)}`);
  return { file, csv: crlf ? `${rows.join('\r\n')}\r\n` : lines(rows), report: lines(report) };
}

const ORDER_CASES = [ordersCase('orders-a.csv', 71, 40, false), ordersCase('orders-b.csv', 72, 90, true), ordersCase('orders-c.csv', 73, 5, false)];

const fixReportScript: Task = {
  id: 'fix-report-script-bugs',
  title: 'Fix the bugs in a sales report script',
  instruction: `\`report.sh\` should do what its header comment says, but its output is wrong. Find and fix every bug (keep the usage: \`bash report.sh ORDERS.csv\`). \`orders.csv\` is a sample; the fixed script will be run on other order files, including ones with Windows line endings.`,
  initialFiles: { 'report.sh': BUGGY_REPORT, 'orders.csv': ordersCase('orders.csv', 70, 12, false).csv },
  verifier: {
    files: Object.fromEntries(ORDER_CASES.flatMap((c) => [[c.file, c.csv], [`${c.file}.expected`, c.report]])),
    script: withVerifyLib(`
[ -f report.sh ] || fail "report.sh is missing"
for f in ${ORDER_CASES.map((c) => c.file).join(' ')}; do
  bash report.sh "/verifier/$f" > /tmp/report.out 2>/tmp/report.err || fail "report.sh $f exited non-zero: $(head -c 200 /tmp/report.err)"
  if grep -q $'\\r' /tmp/report.out; then fail "report.sh $f: the output contains carriage returns"; fi
  compare_norm "report for a hidden order file ($f)" /tmp/report.out "/verifier/$f.expected"
done
echo "report.sh is fixed"
`),
  },
  solution: `
cat > report.sh <<'EOF'
# usage: bash report.sh ORDERS.csv
# ORDERS.csv: header "order_id,customer,amount", then one order per line (amounts like 12.50; the file may
# come from Windows with CRLF line endings). Prints one line per customer, "CUSTOMER TOTAL" with TOTAL the
# sum of their amounts with exactly two decimals, highest total first; equal totals by customer name.
tail -n +2 "$1" | tr -d '\\r' | awk -F, 'NF >= 3 { t[$2] += $3 } END { for (c in t) printf "%s %.2f\\n", c, t[c] }' | sort -k2,2nr -k1,1
EOF
bash report.sh orders.csv
`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 15,
  category: 'error-recovery',
  difficulty: 'medium',
  tags: ['debugging', 'awk', 'sort', 'crlf', 'hidden-inputs'],
};

// ---------------------------------------------------------------------------------------------
// restore-verified-backup

type SiteTree = Record<string, string>;

const SNAPSHOTS: Array<{ date: string; taken: string; tree: SiteTree }> = [
  { date: '2024-06-01', taken: '2024-06-01T02:00:00Z', tree: { 'index.html': '<h1>Shop</h1>\n', 'about.html': '<p>About us</p>\n', 'old.html': '<p>Old page</p>\n' } },
  { date: '2024-06-02', taken: '2024-06-02T02:00:00Z', tree: { 'index.html': '<h1>Shop</h1>\n<p>Sale!</p>\n', 'about.html': '<p>About us</p>\n', 'old.html': '<p>Old page</p>\n', 'css/site.css': 'body { color: #222 }\n' } },
  { date: '2024-06-03', taken: '2024-06-03T02:00:00Z', tree: { 'index.html': '<h1>Shop</h1>\n<p>Summer sale!</p>\n', 'about.html': '<p>About us, since 1999</p>\n', 'old.html': '<p>Old page</p>\n', 'css/site.css': 'body { color: #111 }\n' } },
];

const JOURNAL: Array<[ts: string, op: 'PUT' | 'DELETE', path: string, content?: string]> = [
  ['2024-06-02T09:15:00Z', 'PUT', 'site/about.html', '<p>About us (draft)</p>\n'],
  ['2024-06-02T18:00:00Z', 'PUT', 'site/about.html', '<p>About us, since 1999</p>\n'],
  ['2024-06-03T01:59:59Z', 'PUT', 'site/index.html', '<h1>Shop</h1>\n<p>Summer sale!</p>\n'],
  ['2024-06-03T08:30:00Z', 'PUT', 'site/contact.html', '<p>Call us: 555-0100</p>\n'],
  ['2024-06-03T12:00:00Z', 'DELETE', 'site/old.html'],
  ['2024-06-04T07:45:00Z', 'PUT', 'site/index.html', '<h1>Shop</h1>\n<p>Summer sale! Ends Friday.</p>\n'],
  ['2024-06-04T23:10:00Z', 'PUT', 'site/css/print.css', '@media print { nav { display: none } }\n'],
  ['2024-06-05T06:00:00Z', 'PUT', 'site/contact.html', '<p>Call us: 555-0199 (new number)</p>\n'],
];

const base64 = (text: string) => {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
};

const snapshotJson = (taken: string, tree: SiteTree) =>
  `${JSON.stringify({ taken, files: Object.fromEntries(Object.entries(tree).map(([path, content]) => [path, base64(content)])) }, null, 2)}\n`;

/** 06-04 is replaced after its checksum was recorded; 06-05 was cut off before it was checksummed, so its sum matches. */
const TAMPERED_SNAPSHOT = snapshotJson('2024-06-04T02:00:00Z', { 'index.html': '<h1>Hacked</h1>\n', 'about.html': '<p>About us, since 1999</p>\n' });
const TRUNCATED_SNAPSHOT = snapshotJson('2024-06-05T02:00:00Z', SNAPSHOTS[2].tree).slice(0, 150);

function restoredSite(): SiteTree {
  const good = SNAPSHOTS[SNAPSHOTS.length - 1];
  const tree: SiteTree = Object.fromEntries(Object.entries(good.tree).map(([p, c]) => [`site/${p}`, c]));
  for (const [ts, op, path, content] of JOURNAL) {
    if (ts <= good.taken) continue;
    if (op === 'PUT') tree[path] = content!;
    else delete tree[path];
  }
  return tree;
}

const RESTORED = once(restoredSite);

const restoreVerifiedBackup: Task = {
  id: 'restore-verified-backup',
  title: 'Restore a website from the newest intact backup and replay the journal',
  instruction: `The website in \`site/\` was wiped. To restore it:

1. \`backups/\` holds nightly snapshots \`site-YYYY-MM-DD.json\` — \`{"taken": "<UTC time>", "files": {"<path under site/>": "<base64 content>", …}}\` — and \`backups/SHA256SUMS\`. Some recent snapshots were damaged or altered. Restore \`site/\` from the **newest snapshot that matches its checksum in SHA256SUMS and is valid JSON**: write each file to \`site/<path>\` with its base64-decoded content.
2. \`journal.log\` records every change to the site, oldest first, as \`TIME PUT PATH BASE64\` (write the decoded content to PATH) or \`TIME DELETE PATH\`. Replay, in order, exactly the entries **newer** than the restored snapshot's \`taken\` time — older ones are already in the snapshot.

Afterwards \`site/\` must hold exactly the restored and replayed files. Leave \`backups/\` as it is.`,
  initialFiles: {
    ...Object.fromEntries(SNAPSHOTS.map((snap) => [`backups/site-${snap.date}.json`, snapshotJson(snap.taken, snap.tree)])),
    'backups/site-2024-06-04.json': snapshotJson('2024-06-04T02:00:00Z', SNAPSHOTS[2].tree),
    'backups/site-2024-06-05.json': TRUNCATED_SNAPSHOT,
    'staging/tampered.json': TAMPERED_SNAPSHOT,
    'journal.log': lines(JOURNAL.map(([ts, op, path, content]) => (op === 'PUT' ? `${ts} PUT ${path} ${base64(content!)}` : `${ts} DELETE ${path}`))),
  },
  setupScript: `
(cd backups && sha256sum site-*.json > SHA256SUMS)
mv staging/tampered.json backups/site-2024-06-04.json
rm -rf staging
`,
  get verifier() {
    return {
      files: Object.fromEntries(Object.entries(RESTORED()).map(([p, c]) => [`expected/${p}`, c])),
      script: withVerifyLib(`
[ -d site ] || fail "site/ was not restored"
# Which files should exist is part of the answer: report missing or extra files without naming them.
missing=0; for f in ${Object.keys(RESTORED()).map(shq).join(' ')}; do [ -f "$f" ] || missing=$((missing + 1)); done
[ "$missing" -eq 0 ] || fail "site/ lacks $missing files it should have after the restore and replay"
n=$(find site -type f | wc -l)
[ "$n" -eq ${Object.keys(RESTORED()).length} ] || fail "site/ holds files it should not have after the restore and replay"
for f in ${Object.keys(RESTORED()).map(shq).join(' ')}; do
  [ "$(md5sum < "$f")" = "$(md5sum < "/verifier/expected/$f")" ] || fail "$f does not have the content it should have after the restore and replay"
done
[ "$(ls backups | grep -c '^site-.*[.]json$')" -eq 5 ] && [ -f backups/SHA256SUMS ] || fail "backups/ was changed"
echo "site restored from the right snapshot and the journal replayed"
`),
    };
  },
  solution: `
chosen=
for f in $(ls backups | grep '^site-.*[.]json$' | sort -r); do
  want=$(awk -v f="$f" '$2 == f { print $1 }' backups/SHA256SUMS)
  have=$(sha256sum "backups/$f" | cut -d' ' -f1)
  if [ -n "$want" ] && [ "$want" = "$have" ] && jq empty "backups/$f" 2>/dev/null; then chosen=backups/$f; break; fi
done
[ -n "$chosen" ] || { echo "no intact snapshot" >&2; exit 1; }
rm -rf site && mkdir -p site
jq -r '.files | to_entries[] | .key + " " + .value' "$chosen" | while read -r path data; do
  mkdir -p "$(dirname "site/$path")"
  printf '%s' "$data" | base64 -d > "site/$path"
done
taken=$(jq -r .taken "$chosen")
while read -r ts op path data; do
  [[ "$ts" > "$taken" ]] || continue
  case "$op" in
    PUT) mkdir -p "$(dirname "$path")"; printf '%s' "$data" | base64 -d > "$path" ;;
    DELETE) rm -f "$path" ;;
  esac
done < journal.log
`,
  agentTimeoutSec: 300,
  verifierTimeoutSec: 15,
  category: 'error-recovery',
  difficulty: 'hard',
  tags: ['checksums', 'base64', 'journal-replay', 'jq', 'partial-state'],
};

export const errorRecoveryTasks: Task[] = [fixBackupScript, resumeMigration, repairBrokenJson, freeSpaceForJob, fixReportScript, restoreVerifiedBackup];

