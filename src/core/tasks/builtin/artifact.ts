import type { Task } from '../types.js';
import { once } from './generated.js';
import { byCodePoint, lines, pick, randInt, seededRng, shq } from './seeded.js';
import { withVerifyLib } from './verify-lib.js';

// ---------------------------------------------------------------------------------------------
// project-inventory-report

const PROJECT_FILES: [dir: string, names: string[]][] = [
  ['projects/webshop', ['README.md', 'package.json', 'Makefile', 'src/app.ts', 'src/app.test.ts', 'src/cart.ts', 'src/styles/main.css', 'public/logo.PNG', 'public/favicon.ico']],
  ['projects/billing', ['README.md', 'LICENSE', 'go.mod', 'main.go', 'invoice.go', 'invoice_test.go', 'docs/api.md', 'docs/flow.svg']],
  ['projects/data-pipeline', ['README.md', 'requirements.txt', 'pipeline.py', 'steps/extract.py', 'steps/load.py', 'config/prod.yaml', 'config/dev.yaml', 'sample.data.json']],
  ['projects/infra', ['main.tf', 'variables.tf', 'outputs.tf', 'modules/vpc/main.tf', 'Dockerfile', '.env.example', 'scripts/deploy.sh']],
];

const FILLER = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'build', 'deploy', 'config', 'value', 'module', 'return', 'export'];

function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot >= 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '(none)';
}

function makeProjects(): { files: Record<string, string>; inventory: unknown } {
  const rng = seededRng(1234);
  const files: Record<string, string> = {};
  for (const [dir, names] of PROJECT_FILES) {
    for (const name of names) {
      const words = randInt(rng, 3, 400);
      const out: string[] = [];
      let line: string[] = [];
      for (let i = 0; i < words; i++) {
        line.push(pick(rng, FILLER));
        if (line.length >= 10) {
          out.push(line.join(' '));
          line = [];
        }
      }
      if (line.length) out.push(line.join(' '));
      files[`${dir}/${name}`] = lines(out);
    }
  }
  // One clear winner for "largest file" (all content is ASCII, so characters = bytes).
  files['projects/data-pipeline/sample.data.json'] = `[${Array.from({ length: 400 }, (_, i) => `{"row": ${i}, "ok": true}`).join(',\n')}]\n`;
  const paths = Object.keys(files);
  const byExtension: Record<string, number> = {};
  for (const p of paths) byExtension[extensionOf(p)] = (byExtension[extensionOf(p)] ?? 0) + 1;
  const sizes = paths.map((p) => [p, files[p].length] as const);
  const largest = sizes.reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    files,
    inventory: {
      total_files: paths.length,
      total_bytes: sizes.reduce((sum, [, n]) => sum + n, 0),
      by_extension: byExtension,
      largest_file: { path: largest[0], bytes: largest[1] },
    },
  };
}

const projects = once(makeProjects);

const inventoryReport: Task = {
  id: 'project-inventory-report',
  title: 'Write a JSON inventory of a directory tree',
  instruction: `Write a JSON report of every file under \`projects/\` to \`reports/inventory.json\`, with exactly these keys:

\`\`\`json
{
  "total_files": 31,
  "total_bytes": 52344,
  "by_extension": {"md": 5, "ts": 3, "(none)": 2},
  "largest_file": {"path": "projects/…/…", "bytes": 9000}
}
\`\`\`

(the numbers above are only an illustration)

- Count regular files only, at any depth.
- A file's extension is the part of its name after the **last** dot, lowercased (\`logo.PNG\` → \`png\`, \`.env.example\` → \`example\`); names without a dot count under \`"(none)"\`.
- Sizes are in bytes; \`largest_file.path\` is written like \`projects/billing/main.go\`.
- Numbers must be JSON numbers; key order and formatting don't matter.`,
  get initialFiles() {
    return projects().files;
  },
  get verifier() {
    return {
      files: { 'expected-inventory.json': `${JSON.stringify(projects().inventory)}\n` },
      script: withVerifyLib(`
f=reports/inventory.json
[ -f "$f" ] || fail "$f is missing"
jq empty "$f" 2>/dev/null || fail "$f is not valid JSON"
want() { jq -c "$1" /verifier/expected-inventory.json; }
got() { jq -c "$1" "$f"; }
[ "$(got .total_files)" = "$(want .total_files)" ] || fail "total_files is wrong ($(got .total_files))"
[ "$(got .total_bytes)" = "$(want .total_bytes)" ] || fail "total_bytes is wrong ($(got .total_bytes))"
[ "$(jq -S -c .by_extension "$f")" = "$(jq -S -c .by_extension /verifier/expected-inventory.json)" ] || fail "by_extension is wrong"
[ "$(got .largest_file.path)" = "$(want .largest_file.path)" ] || fail "largest_file.path is wrong"
[ "$(got .largest_file.bytes)" = "$(want .largest_file.bytes)" ] || fail "largest_file.bytes is wrong"
same_json "$f" /verifier/expected-inventory.json
echo "inventory.json is correct"
`),
    };
  },
  solution: `
mkdir -p reports
find projects -type f -printf '%s\\t%p\\n' | jq -R -s '
  split("\\n") | map(select(length > 0) | split("\\t") | {bytes: (.[0] | tonumber), path: .[1]})
  | {
      total_files: length,
      total_bytes: (map(.bytes) | add),
      by_extension: (map(.path | split("/") | last | if test("\\\\.[^.]+$") then (split(".") | last | ascii_downcase) else "(none)" end)
                     | group_by(.) | map({key: .[0], value: length}) | from_entries),
      largest_file: (max_by(.bytes) | {path, bytes})
    }' > reports/inventory.json
`,
  agentTimeoutSec: 240,
  verifierTimeoutSec: 15,
  category: 'artifact',
  difficulty: 'medium',
  tags: ['find', 'jq', 'report', 'json'],
};

// ---------------------------------------------------------------------------------------------
// changelog-from-commits

/** Oldest first, as `git log --reverse --format='%h %s'` would print them. */
const COMMITS = `3f9a1c2 chore: bump dev dependencies
8b2d4e1 feat(api): add pagination to GET /orders
c71e0aa fix: handle empty cart in checkout
0d5f3b9 docs: explain the release process
e4a8c67 feat: dark mode for the dashboard
91bc2d4 Merge branch 'feature/export'
5e6f7a8 feat(export)!: CSV export now uses ISO 8601 dates
a2b3c4d fix(db): retry on "deadlock detected: try again" errors
6c7d8e9 refactor: split the orders module
b1c2d3e test: cover refunds
f0e1d2c fix(auth)!: sessions expire after 12h instead of 7d
7a8b9c0 Revert "feat: experimental chat widget"
d4e5f6a feat(i18n): add Portuguese translations
2b3c4d5 ci: cache node modules
9e8d7c6 fix: typo in the welcome email
`;

const EXPECTED_CHANGELOG = `## 1.5.0

### Breaking changes
- **export:** CSV export now uses ISO 8601 dates (5e6f7a8)
- **auth:** sessions expire after 12h instead of 7d (f0e1d2c)

### Features
- **api:** add pagination to GET /orders (8b2d4e1)
- dark mode for the dashboard (e4a8c67)
- **i18n:** add Portuguese translations (d4e5f6a)

### Fixes
- handle empty cart in checkout (c71e0aa)
- **db:** retry on "deadlock detected: try again" errors (a2b3c4d)
- typo in the welcome email (9e8d7c6)
`;

const changelog: Task = {
  id: 'changelog-from-commits',
  title: 'Generate release notes from commit messages',
  instruction: `\`commits.txt\` lists the commits since the last release, oldest first, one per line as \`<sha> <subject>\`. Subjects follow Conventional Commits: \`type: description\`, \`type(scope): description\`, and a \`!\` right before the colon (\`feat(api)!: …\`) marks a breaking change.

Write \`CHANGELOG.md\` for version 1.5.0:

\`\`\`markdown
## 1.5.0

### Breaking changes
- **scope:** description (sha)

### Features
- description (sha)

### Fixes
- …
\`\`\`

- Breaking changes (any type with \`!\`) go **only** under "Breaking changes"; other \`feat\` commits under "Features", other \`fix\` commits under "Fixes". Every other commit (chore, docs, refactor, test, ci, merges, reverts) is left out.
- An entry is \`- \` + (\`**scope:** \` if the commit has a scope) + the description + \` (sha)\`. The description is everything after the first \`: \`.
- Keep the commits' order within each section; leave out a section with no entries. Blank lines are up to you.`,
  initialFiles: { 'commits.txt': COMMITS },
  verifier: {
    files: { 'expected-changelog.md': EXPECTED_CHANGELOG },
    script: withVerifyLib(`
[ -f CHANGELOG.md ] || fail "CHANGELOG.md is missing"
# Blank lines are free-form: compare without them.
norm /verifier/expected-changelog.md | grep -v '^$' > /tmp/expected.md
same_text CHANGELOG.md "$(norm CHANGELOG.md | grep -v '^$')" /tmp/expected.md
echo "CHANGELOG.md is correct"
`),
  },
  solution: `
awk '
{
  sha = $1; rest = substr($0, length(sha) + 2)
  p = index(rest, ": "); if (!p) next
  head = substr(rest, 1, p - 1); desc = substr(rest, p + 2)
  bang = (substr(head, length(head)) == "!"); if (bang) head = substr(head, 1, length(head) - 1)
  scope = ""
  if (match(head, /\\([^()]*\\)$/)) { scope = substr(head, RSTART + 1, RLENGTH - 2); head = substr(head, 1, RSTART - 1) }
  if (head !~ /^[a-z]+$/) next
  entry = "- " (scope != "" ? "**" scope ":** " : "") desc " (" sha ")"
  if (bang) b[++nb] = entry; else if (head == "feat") f[++nf] = entry; else if (head == "fix") x[++nx] = entry
}
END {
  print "## 1.5.0"
  if (nb) { print ""; print "### Breaking changes"; for (i = 1; i <= nb; i++) print b[i] }
  if (nf) { print ""; print "### Features"; for (i = 1; i <= nf; i++) print f[i] }
  if (nx) { print ""; print "### Fixes"; for (i = 1; i <= nx; i++) print x[i] }
}' commits.txt > CHANGELOG.md
`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 10,
  category: 'artifact',
  difficulty: 'easy',
  tags: ['markdown', 'awk', 'conventional-commits', 'report'],
};

// ---------------------------------------------------------------------------------------------
// release-bundle-checksums

const APP_FILES: Record<string, string> = {
  'README.md': '# app\n\nA small app.\n',
  LICENSE: 'MIT License\n',
  'src/main.sh': 'echo "app 1.4.0"\n',
  'src/lib/util.sh': 'util() { :; }\n',
  'src/lib/format.sh': 'format() { :; }\n',
  'tests/test_main.sh': 'bash src/main.sh\n',
  'tests/fixtures/input.txt': 'fixture\n',
  'build.log': 'built ok\n',
  'src/debug.log': 'noise\n',
  'src/lib/trace.log': 'more noise\n',
  '.env': 'SECRET=hunter2\n',
  'notes.md': '# internal notes\n',
};

const RELEASE_INCLUDED = ['LICENSE', 'README.md', 'src/lib/format.sh', 'src/lib/util.sh', 'src/main.sh'];

// A folder and a checksum list rather than a tarball: tar is one of the commands the in-browser sandbox lacks.
const releaseBundle: Task = {
  id: 'release-bundle-checksums',
  title: 'Assemble a release bundle with a checksum list',
  instruction: `Assemble release 1.4.0 of the app in \`app/\`:

1. \`dist/app-1.4.0/\` holds \`README.md\`, \`LICENSE\` and everything under \`src/\` **except** \`*.log\` files, at the same relative paths (\`dist/app-1.4.0/src/main.sh\`, …) and with the same contents — and nothing else (no \`tests/\`, no \`.env\`, no \`notes.md\`, no logs).
2. \`dist/SHA256SUMS\` lists every file of the bundle, one line each, in \`sha256sum\` format with paths relative to \`dist/\`: \`<hex digest>  app-1.4.0/src/main.sh\` (two spaces), so that \`cd dist && sha256sum -c SHA256SUMS\` succeeds.

Leave \`app/\` as it is.`,
  initialFiles: Object.fromEntries(Object.entries(APP_FILES).map(([path, content]) => [`app/${path}`, content])),
  verifier: {
    files: Object.fromEntries(RELEASE_INCLUDED.map((path) => [`expected/app-1.4.0/${path}`, APP_FILES[path]])),
    script: withVerifyLib(`
b=dist/app-1.4.0
[ -d "$b" ] || fail "$b/ is missing"
(cd dist && find app-1.4.0 -type f | sort) > /tmp/files.txt
printf '%s\\n' ${RELEASE_INCLUDED.map((p) => shq(`app-1.4.0/${p}`)).join(' ')} | sort > /tmp/expected.txt
[ "$(cat /tmp/files.txt)" = "$(cat /tmp/expected.txt)" ] || {
  extra=$(comm -23 /tmp/files.txt /tmp/expected.txt | head -n 1)
  [ -n "$extra" ] && fail "the bundle must not contain $extra"
  fail "the bundle is missing a file it should contain"
}
for f in $(cat /tmp/expected.txt); do
  [ "$(md5sum < "dist/$f")" = "$(md5sum < "/verifier/expected/$f")" ] || fail "dist/$f has the wrong content"
done
[ -f dist/SHA256SUMS ] || fail "dist/SHA256SUMS is missing"
(cd dist && sha256sum -c SHA256SUMS) > /tmp/check.txt 2>&1 || fail "cd dist && sha256sum -c SHA256SUMS fails: $(grep -v ': OK$' /tmp/check.txt | head -n 1)"
awk '{ print $2 }' dist/SHA256SUMS | sed 's|^[*]||' | sort > /tmp/listed.txt
[ "$(cat /tmp/listed.txt)" = "$(cat /tmp/expected.txt)" ] || fail "dist/SHA256SUMS must list each bundled file exactly once, as app-1.4.0/PATH"
[ -f app/.env ] && [ -d app/tests ] && [ -f app/build.log ] && [ -f app/src/debug.log ] || fail "app/ was changed"
echo "release bundle assembled"
`),
  },
  solution: `
mkdir -p dist/app-1.4.0
cp app/README.md app/LICENSE dist/app-1.4.0/
cp -r app/src dist/app-1.4.0/src
find dist/app-1.4.0 -name '*.log' | while IFS= read -r f; do rm -f "$f"; done
(cd dist && find app-1.4.0 -type f | sort | while IFS= read -r f; do sha256sum "$f"; done > SHA256SUMS)
`,
  agentTimeoutSec: 120,
  verifierTimeoutSec: 10,
  category: 'artifact',
  difficulty: 'easy',
  tags: ['sha256sum', 'packaging', 'find', 'careful-copy'],
};

// ---------------------------------------------------------------------------------------------
// static-site-index

interface Post {
  slug: string;
  title: string;
  date: string;
  draft: boolean;
  body: string[];
}

const POSTS: Post[] = [
  { slug: 'hello-world', title: 'Hello, World', date: '2024-01-05', draft: false, body: ['This is the first post.', 'More to come.'] },
  { slug: 'shell-tips', title: 'Shell tips & tricks', date: '2024-03-18', draft: false, body: ['Quote your variables.', 'Use set -e with care.'] },
  { slug: 'why-i-write', title: 'Why I write <short version>', date: '2024-02-11', draft: false, body: ['Writing is thinking.'] },
  { slug: 'unfinished', title: 'Unfinished thoughts', date: '2024-04-01', draft: true, body: ['Not ready yet.'] },
  { slug: 'year-in-review', title: 'Year in review: 2023', date: '2023-12-30', draft: false, body: ['A good year.', 'Onwards.'] },
  { slug: 'tools-i-use', title: 'Tools I use', date: '2024-03-02', draft: false, body: ['An editor and a terminal.'] },
];

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const postMarkdown = (p: Post) => lines(['---', `title: ${p.title}`, `date: ${p.date}`, `draft: ${p.draft}`, '---', '', ...p.body]);
const PUBLISHED = POSTS.filter((p) => !p.draft).sort((a, b) => byCodePoint(b.date, a.date));

const staticSiteIndex: Task = {
  id: 'static-site-index',
  title: 'Build a static blog index from Markdown front matter',
  instruction: `Build the blog in \`public/\` from the posts in \`posts/\`. Each post \`posts/SLUG.md\` starts with front matter:

    ---
    title: Shell tips & tricks
    date: 2024-03-18
    draft: false
    ---

followed by the body text. Posts with \`draft: true\` are not published. Titles are plain text and must be HTML-escaped when written to HTML (\`&\` → \`&amp;\`, \`<\` → \`&lt;\`, \`>\` → \`&gt;\`).

1. \`public/index.html\`: an HTML page with a list \`<ul id="posts">\` … \`</ul>\` holding one line per published post, newest first, exactly like

       <li><a href="posts/SLUG.html">TITLE</a> <time datetime="DATE">DATE</time></li>

   (the rest of the page is up to you; indentation before \`<li>\` is fine).
2. \`public/posts/SLUG.html\` for each published post: an HTML page containing \`<h1>TITLE</h1>\` and every line of the post's body.`,
  initialFiles: Object.fromEntries(POSTS.map((p) => [`posts/${p.slug}.md`, postMarkdown(p)])),
  verifier: {
    files: {
      'expected-items.txt': lines(PUBLISHED.map((p) => `<li><a href="posts/${p.slug}.html">${escapeHtml(p.title)}</a> <time datetime="${p.date}">${p.date}</time></li>`)),
    },
    script: withVerifyLib(`
[ -f public/index.html ] || fail "public/index.html is missing"
grep -q '<ul id="posts">' public/index.html || fail 'public/index.html has no <ul id="posts">'
awk '/<ul id="posts">/ { inside = 1; next } inside && /<\\/ul>/ { inside = 0 } inside' public/index.html | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$' > /tmp/items.txt
compare_norm 'the <li> lines of <ul id="posts">' /tmp/items.txt /verifier/expected-items.txt
${POSTS.map((p) =>
  p.draft
    ? `[ ! -e public/posts/${p.slug}.html ] || fail "public/posts/${p.slug}.html is a draft and must not be published"`
    : `f=public/posts/${p.slug}.html
[ -f "$f" ] || fail "$f is missing"
grep -qF ${shq(`<h1>${escapeHtml(p.title)}</h1>`)} "$f" || fail "$f needs the escaped title in an <h1>"
${p.body.map((line) => `grep -qF ${shq(line)} "$f" || fail "$f is missing a line of the post body"`).join('\n')}`,
).join('\n')}
echo "the blog is built"
`),
  },
  solution: `
mkdir -p public/posts
esc() { sed -e 's/&/\\&amp;/g' -e 's/</\\&lt;/g' -e 's/>/\\&gt;/g'; }
: > /tmp/items.txt
for f in posts/*.md; do
  slug=$(basename "$f" .md)
  title=$(awk '/^title: / { sub(/^title: /, ""); print; exit }' "$f" | esc)
  date=$(awk '/^date: / { print $2; exit }' "$f")
  draft=$(awk '/^draft: / { print $2; exit }' "$f")
  [ "$draft" = true ] && continue
  { echo "<!doctype html><title>$title</title>"; echo "<h1>$title</h1>"; awk 'n >= 2; /^---$/ { n++ }' "$f" | esc; } > "public/posts/$slug.html"
  echo "$date <li><a href=\\"posts/$slug.html\\">$title</a> <time datetime=\\"$date\\">$date</time></li>" >> /tmp/items.txt
done
{
  echo '<!doctype html><title>Blog</title>'
  echo '<ul id="posts">'
  sort -r /tmp/items.txt | cut -d' ' -f2-
  echo '</ul>'
} > public/index.html
`,
  agentTimeoutSec: 240,
  verifierTimeoutSec: 15,
  category: 'artifact',
  difficulty: 'medium',
  tags: ['html', 'front-matter', 'escaping', 'static-site'],
};

// ---------------------------------------------------------------------------------------------
// junit-summary-json

interface TestCase {
  classname: string;
  name: string;
  outcome: 'pass' | 'failure' | 'error' | 'skipped';
  message?: string;
}

const SUITES: Array<{ file: string; suites: Array<{ name: string; cases: TestCase[]; claimedTests?: number }> }> = [
  {
    file: 'reports/api.xml',
    suites: [
      {
        name: 'api',
        claimedTests: 4, // stale attribute: the file really has 5 test cases
        cases: [
          { classname: 'api.users', name: 'creates a user', outcome: 'pass' },
          { classname: 'api.users', name: 'rejects a bad email', outcome: 'failure', message: 'expected <400> got "500"' },
          { classname: 'api.orders', name: 'lists orders', outcome: 'pass' },
          { classname: 'api.orders', name: 'paginates', outcome: 'skipped' },
          { classname: 'api.orders', name: 'refunds & voids', outcome: 'error', message: "TypeError: can't read 'id' of undefined" },
        ],
      },
    ],
  },
  {
    file: 'reports/web.xml',
    suites: [
      { name: 'web-home', cases: [{ classname: 'web.home', name: 'renders', outcome: 'pass' }, { classname: 'web.home', name: 'shows the cart badge', outcome: 'failure', message: 'badge count 0 != 2' }] },
      { name: 'web-checkout', cases: [{ classname: 'web.checkout', name: 'pays', outcome: 'pass' }, { classname: 'web.checkout', name: 'applies coupon', outcome: 'skipped' }] },
    ],
  },
  {
    file: 'reports/worker.xml',
    suites: [{ name: 'worker', cases: [{ classname: 'worker.queue', name: 'drains', outcome: 'pass' }] }],
  },
];

const xmlAttr = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

function junitXml(entry: (typeof SUITES)[number]): string {
  const suite = (s: (typeof entry.suites)[number], indent: string) => {
    const count = (o: TestCase['outcome']) => s.cases.filter((c) => c.outcome === o).length;
    const out = [`${indent}<testsuite name="${s.name}" tests="${s.claimedTests ?? s.cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="1.5">`];
    for (const c of s.cases) {
      const open = `${indent}  <testcase classname="${c.classname}" name="${xmlAttr(c.name)}" time="0.01"`;
      if (c.outcome === 'pass') out.push(`${open}/>`);
      else if (c.outcome === 'skipped') out.push(`${open}><skipped/></testcase>`);
      else out.push(`${open}>`, `${indent}    <${c.outcome} message="${xmlAttr(c.message!)}" type="Error">at line 1</${c.outcome}>`, `${indent}  </testcase>`);
    }
    out.push(`${indent}</testsuite>`);
    return out;
  };
  const body = entry.suites.length > 1 ? ['<testsuites>', ...entry.suites.flatMap((s) => suite(s, '  ')), '</testsuites>'] : suite(entry.suites[0], '');
  return lines(['<?xml version="1.0" encoding="UTF-8"?>', ...body]);
}

function junitSummary(): unknown {
  const all = SUITES.flatMap((entry) => entry.suites.flatMap((s) => s.cases.map((c) => ({ suite: s.name, ...c }))));
  const count = (o: TestCase['outcome']) => all.filter((c) => c.outcome === o).length;
  const failures = all
    .filter((c) => c.outcome === 'failure' || c.outcome === 'error')
    .map((c) => ({ suite: c.suite, classname: c.classname, name: c.name, kind: c.outcome, message: c.message }))
    .sort((a, b) => byCodePoint(a.suite, b.suite) || byCodePoint(a.classname, b.classname) || byCodePoint(a.name, b.name));
  return { total: all.length, passed: count('pass'), failed: count('failure'), errors: count('error'), skipped: count('skipped'), failures };
}

const junitSummaryJson: Task = {
  id: 'junit-summary-json',
  title: 'Summarize JUnit XML reports as JSON',
  instruction: `CI left JUnit XML reports in \`reports/\`. A file holds one \`<testsuite name="…">\` or several inside \`<testsuites>\`; each \`<testcase classname="…" name="…">\` passed unless it contains \`<failure …>\`, \`<error …>\` or \`<skipped/>\`. Count the test cases themselves — the \`tests=\`/\`failures=\` attributes on \`<testsuite>\` are not reliable.

Write \`summary.json\`:

    {
      "total": <number of test cases>, "passed": …, "failed": <with <failure>>, "errors": <with <error>>, "skipped": …,
      "failures": [ {"suite": <testsuite name>, "classname": …, "name": …, "kind": "failure" or "error", "message": <the message attribute>}, … ]
    }

\`failures\` lists every failed and errored case, sorted by suite, then classname, then name. Attribute values are XML-escaped in the files (\`&lt;\`, \`&gt;\`, \`&quot;\`, \`&apos;\`, \`&amp;\`); in the JSON they must be plain text (\`expected <400>\`).`,
  initialFiles: Object.fromEntries(SUITES.map((entry) => [entry.file, junitXml(entry)])),
  verifier: {
    files: { 'expected-summary.json': `${JSON.stringify(junitSummary())}\n` },
    script: withVerifyLib(`
same_json summary.json /verifier/expected-summary.json
echo "summary.json is correct"
`),
  },
  solution: `
# One tag per line, then a TSV row per test case: suite, classname, name, kind, message (still XML-escaped).
for f in reports/*.xml; do tr '\\n' ' ' < "$f"; echo; done | sed 's/</\\n</g' | awk '
  function attr(tag, key,   v) {
    v = ""
    if (match(tag, " " key "=\\"[^\\"]*\\"")) v = substr(tag, RSTART + length(key) + 3, RLENGTH - length(key) - 4)
    return v
  }
  function emit() { print suite "\\t" cls "\\t" nm "\\t" kind "\\t" msg; open = 0 }
  /^<testsuite[ >]/ { suite = attr($0, "name") }
  /^<testcase[ >]/ { cls = attr($0, "classname"); nm = attr($0, "name"); kind = "pass"; msg = ""; open = 1; if ($0 ~ /\\/>[ ]*$/) emit() }
  /^<failure[ >\\/]/ { kind = "failure"; msg = attr($0, "message") }
  /^<error[ >\\/]/ { kind = "error"; msg = attr($0, "message") }
  /^<skipped[ >\\/]/ { kind = "skipped" }
  /^<\\/testcase>/ { if (open) emit() }
' > /tmp/cases.tsv
jq -R -s '
  def unxml: gsub("&lt;"; "<") | gsub("&gt;"; ">") | gsub("&quot;"; "\\"") | gsub("&apos;"; ([39] | implode)) | gsub("&amp;"; "&");
  split("\\n") | map(select(length > 0) | split("\\t") | {suite: .[0], classname: (.[1] | unxml), name: (.[2] | unxml), kind: .[3], message: (.[4] | unxml)})
  | {total: length,
     passed: (map(select(.kind == "pass")) | length),
     failed: (map(select(.kind == "failure")) | length),
     errors: (map(select(.kind == "error")) | length),
     skipped: (map(select(.kind == "skipped")) | length),
     failures: (map(select(.kind == "failure" or .kind == "error")) | sort_by([.suite, .classname, .name]))}
' /tmp/cases.tsv > summary.json
`,
  agentTimeoutSec: 300,
  verifierTimeoutSec: 10,
  category: 'artifact',
  difficulty: 'hard',
  tags: ['xml', 'json', 'awk', 'jq', 'escaping', 'report'],
};

export const artifactTasks: Task[] = [inventoryReport, changelog, releaseBundle, staticSiteIndex, junitSummaryJson];

