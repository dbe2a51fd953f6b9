import type { Task } from '../types.js';
import { once } from './generated.js';
import { byCodePoint, lines, pick, pickWeighted, randInt, seededRng, shq } from './seeded.js';
import { withVerifyLib } from './verify-lib.js';

// ---------------------------------------------------------------------------------------------
// normalize-contact-list

/** [first, last, email]; last names chosen so alphabetical order is unambiguous in every locale. */
const PEOPLE: [string, string, string][] = [
  ['jane', 'doe', 'jane.doe@example.com'],
  ['john', 'smith', 'jsmith@example.org'],
  ['amara', 'okafor', 'amara@okafor.dev'],
  ['li', 'wei', 'li.wei@example.cn'],
  ['mark', 'brown', 'mark.brown@example.com'],
  ['anna', 'brown', 'anna.b@example.com'],
  ['pedro', 'alvarez', 'palvarez@example.es'],
  ['sofia', 'rossi', 'sofia.rossi@example.it'],
  ['yuki', 'tanaka', 'yuki@tanaka.jp'],
  ['oliver', 'hughes', 'ohughes@example.co.uk'],
  ['fatima', 'zahra', 'fatima.zahra@example.ma'],
  ['ivan', 'petrov', 'ivan.petrov@example.ru'],
  ['grace', 'kim', 'grace.kim@example.kr'],
  ['lukas', 'muller', 'lukas@muller.de'],
];

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

function messyContacts(): { text: string; expected: string } {
  const rng = seededRng(77);
  const spaces = () => ' '.repeat(randInt(rng, 0, 3));
  const mixCase = (s: string) =>
    pick(rng, [s, s.toUpperCase(), cap(s), [...s].map((c) => (rng() < 0.3 ? c.toUpperCase() : c)).join('')]);
  const row = ([first, last, email]: [string, string, string]) =>
    `${spaces()}${mixCase(last)},${spaces() || ' '}${mixCase(first)}${spaces() || ' '}<${mixCase(email)}>${spaces()}`;
  const out = ['# exported from the old CRM — format: LAST, FIRST <EMAIL>', ''];
  PEOPLE.forEach((person, i) => {
    out.push(row(person));
    if (i % 5 === 2) out.push('');
    if (i === 6) out.push('# --- page 2 ---');
  });
  // Duplicates (same email, different spelling) that must be dropped.
  out.push(row(PEOPLE[0]), row(PEOPLE[4]), row(PEOPLE[9]));
  const body = PEOPLE.map(([f, l, e]) => [cap(f), cap(l), e.toLowerCase()]).sort(
    (a, b) => byCodePoint(a[1], b[1]) || byCodePoint(a[0], b[0]),
  );
  return { text: lines(out), expected: lines(['first,last,email', ...body.map((r) => r.join(','))]) };
}

const contacts = once(messyContacts);

const normalizeContacts: Task = {
  id: 'normalize-contact-list',
  title: 'Normalize a messy contact list into CSV',
  instruction: `\`contacts.txt\` is an export from an old CRM. Each contact line looks like \`LAST, FIRST <EMAIL>\`, with random extra spaces and random upper/lower case. Blank lines and lines starting with \`#\` are not contacts.

Write \`contacts.csv\`:

- first line exactly \`first,last,email\`;
- one row per contact: \`First,Last,email\` — names with the first letter uppercase and the rest lowercase, email all lowercase, no surrounding spaces;
- if an email appears more than once (in any case), keep only its first occurrence;
- rows sorted by last name, then first name.`,
  get initialFiles() {
    return { 'contacts.txt': contacts().text };
  },
  get verifier() {
    return {
      files: { 'expected-contacts.csv': contacts().expected },
      script: withVerifyLib(`same_file contacts.csv /verifier/expected-contacts.csv
echo "contacts.csv is correct"`),
    };
  },
  solution: `
grep -v '^[[:space:]]*#' contacts.txt | grep -v '^[[:space:]]*$' | awk '
function trim(s) { gsub(/^[ \\t]+|[ \\t]+$/, "", s); return s }
function cap(s) { s = tolower(trim(s)); return toupper(substr(s, 1, 1)) substr(s, 2) }
{
  lt = index($0, "<"); gt = index($0, ">")
  email = tolower(trim(substr($0, lt + 1, gt - lt - 1)))
  split(substr($0, 1, lt - 1), name, ",")
  if (!(email in seen)) { seen[email] = 1; print cap(name[2]) "," cap(name[1]) "," email }
}' | sort -t, -k2,2 -k1,1 > /tmp/rows.csv
{ echo 'first,last,email'; cat /tmp/rows.csv; } > contacts.csv
`,
  agentTimeoutSec: 150,
  verifierTimeoutSec: 10,
  category: 'text-processing',
  difficulty: 'easy',
  tags: ['awk', 'sed', 'sort', 'csv'],
};

// ---------------------------------------------------------------------------------------------
// word-frequency-script

const VOCAB: [string, number][] = [
  ['the', 30], ['sea', 9], ['ship', 8], ['a', 12], ['and', 14], ['captain', 6], ['whale', 6], ['of', 15], ['wind', 5],
  ['sail', 5], ['sails', 4], ['night', 4], ['to', 10], ['was', 7], ['he', 7], ['it', 6], ['storm', 3], ['deck', 3],
  ['crew', 4], ['harbor', 2], ['salt', 2], ['rope', 2], ['moon', 2], ['don', 1], ['t', 1], ['waves', 3],
];

function makeText(seed: number, words: number): string {
  const rng = seededRng(seed);
  const out: string[] = [];
  let line = '';
  for (let i = 0; i < words; i++) {
    let word = pickWeighted(rng, VOCAB);
    const roll = rng();
    if (roll < 0.15) word = word.charAt(0).toUpperCase() + word.slice(1);
    else if (roll < 0.2) word = word.toUpperCase();
    let token = word;
    const deco = rng();
    if (deco < 0.1) token += pick(rng, [',', '.', ';', '!', '?', ':']);
    else if (deco < 0.13) token = `"${token}"`;
    else if (deco < 0.15) token += `--${pickWeighted(rng, VOCAB)}`;
    else if (deco < 0.17) token += String(randInt(rng, 1, 1999));
    else if (deco < 0.18) token = `(${token})`;
    line += (line ? ' ' : '') + token;
    if (line.length > 60) {
      out.push(line);
      line = '';
    }
  }
  if (line) out.push(line);
  return lines(out);
}

/** Reference implementation, written to the letter of the instruction. */
function topWords(text: string, n: number): string {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0]));
  return lines(ranked.slice(0, n).map(([w, c]) => `${c} ${w}`));
}

const BOOK = `Call it what you like; the ship sailed at night, and the night was long.
The captain -- a quiet man -- said: "Trim the sails, and watch the wind."
The crew didn't answer. The wind rose, the sails filled, and the sea
turned grey. At 3am the storm came; at 4am the storm went.
THE SEA, THE SEA! cried the cook, who hadn't seen the sea in 20 years.
`;

const HIDDEN_WORD_CASES = [
  { file: 'text1.txt', text: makeText(1, 400), n: 5 },
  { file: 'text2.txt', text: makeText(2, 900), n: 12 },
  { file: 'text3.txt', text: makeText(3, 60), n: 3 },
  { file: 'text4.txt', text: 'Echo echo ECHO; delta Delta alpha.\nbravo', n: 10 },
];

const wordFrequency: Task = {
  id: 'word-frequency-script',
  title: 'Write a word-frequency script',
  instruction: `Write a bash script \`wordfreq.sh\` such that

    bash wordfreq.sh FILE N

prints the \`N\` most frequent words of \`FILE\`, one per line, as \`COUNT WORD\` (e.g. \`12 the\`).

- A word is a maximal run of the letters \`A-Z\`/\`a-z\`; everything else (digits, punctuation, apostrophes, spaces) separates words, so \`didn't\` is the two words \`didn\` and \`t\`.
- Words are counted case-insensitively and printed in lowercase.
- Order by count (highest first), then by word (alphabetically) when counts tie.
- If the file has fewer than \`N\` distinct words, print them all.

\`book.txt\` is a sample to try it on. Your script will be run on other texts too.`,
  initialFiles: { 'book.txt': BOOK },
  verifier: {
    files: Object.fromEntries(
      HIDDEN_WORD_CASES.flatMap((c) => [
        [c.file, c.text],
        [`${c.file}.expected`, topWords(c.text, c.n)],
      ]),
    ),
    script: withVerifyLib(`
[ -f wordfreq.sh ] || fail "wordfreq.sh is missing"
check() {
  out=$(bash wordfreq.sh "/verifier/$1" "$2" 2>/tmp/.wf-err) || fail "bash wordfreq.sh $1 $2 exited non-zero: $(head -c 200 /tmp/.wf-err)"
  same_text "output for a hidden text ($1, N=$2)" "$(printf '%s\\n' "$out" | awk 'NF { $1 = $1; print }')" "/verifier/$1.expected"
}
${HIDDEN_WORD_CASES.map((c) => `check ${c.file} ${c.n}`).join('\n')}
echo "wordfreq.sh is correct on all hidden texts"
`),
  },
  solution: `
cat > wordfreq.sh <<'EOF'
# usage: bash wordfreq.sh FILE N
tr -cs 'A-Za-z' '\\n' < "$1" | tr 'A-Z' 'a-z' | grep -v '^$' | sort | uniq -c | awk '{ print $1, $2 }' | sort -k1,1nr -k2,2 | head -n "$2"
EOF
bash wordfreq.sh book.txt 5
`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 20,
  category: 'text-processing',
  difficulty: 'medium',
  tags: ['tr', 'sort', 'uniq', 'script', 'hidden-inputs'],
};

// ---------------------------------------------------------------------------------------------
// normalize-line-endings

const MESSY_NOTES: Record<string, string> = {
  'notes/meeting.txt': 'Agenda:\r\n- budget   \r\n- hiring\t\r\n\r\nNext: Friday\r\n',
  'notes/ideas.md': '# Ideas\n\n* faster builds  \n* fewer meetings\t\t\n\n\n\n',
  'notes/todo.txt': 'buy milk\r\ncall mum  \r\nfix bike',
  'notes/archive/2023/review.md': 'Year in review \r\n\r\n  Indented line stays indented  \r\n',
  'notes/archive/blank.txt': '\r\n  \r\n\t\r\n',
  'notes/clean.txt': 'already clean\n',
};

/** Files that are not .txt/.md: their trailing spaces and CRLFs are data and must survive. */
const NOTES_KEEP: Record<string, string> = {
  'notes/data.csv': 'id,name  \r\n1,ann  \r\n',
  'notes/archive/raw.log': 'line with tail   \r\n',
};

function normalizeNote(text: string): string {
  const rows = text.replace(/\r\n/g, '\n').split('\n').map((line) => line.replace(/[ \t]+$/, ''));
  while (rows.length && rows[rows.length - 1] === '') rows.pop();
  return rows.length ? `${rows.join('\n')}\n` : '';
}

const normalizeLineEndings: Task = {
  id: 'normalize-line-endings',
  title: 'Normalize line endings and trailing whitespace',
  instruction: `Clean up every \`.txt\` and \`.md\` file under \`notes/\` (including subfolders), in place:

- Windows line endings (\`\\r\\n\`) become \`\\n\`;
- spaces and tabs at the end of every line are removed (leading indentation stays);
- the file ends with exactly one newline: blank lines at the end are removed, and a missing final newline is added. A file with nothing but blank lines becomes empty.

Other files under \`notes/\` (\`.csv\`, \`.log\`, …) must not change at all.`,
  initialFiles: { ...MESSY_NOTES, ...NOTES_KEEP },
  verifier: {
    files: Object.fromEntries(
      [...Object.entries(MESSY_NOTES).map(([path, text]) => [path, normalizeNote(text)]), ...Object.entries(NOTES_KEEP)].map(([path, text]) => [`expected/${path}`, text]),
    ),
    script: withVerifyLib(`
for f in ${[...Object.keys(MESSY_NOTES), ...Object.keys(NOTES_KEEP)].map(shq).join(' ')}; do
  [ -f "$f" ] || fail "$f is missing"
  [ "$(md5sum < "$f")" = "$(md5sum < "/verifier/expected/$f")" ] || fail "$f is not normalized as asked (or was changed although it should not be)"
done
echo "all notes normalized"
`),
  },
  solution: `
find notes -type f \\( -name '*.txt' -o -name '*.md' \\) | while IFS= read -r f; do
  sed -e 's/\\r$//' -e 's/[[:space:]]*$//' "$f" | awk '{ l[NR] = $0 } END { n = NR; while (n > 0 && l[n] == "") n--; for (i = 1; i <= n; i++) print l[i] }' > /tmp/clean
  cat /tmp/clean > "$f"
done
`,
  agentTimeoutSec: 120,
  verifierTimeoutSec: 10,
  category: 'text-processing',
  difficulty: 'easy',
  tags: ['sed', 'crlf', 'whitespace', 'in-place'],
};

// ---------------------------------------------------------------------------------------------
// markdown-toc

const TOC_README = `# Lighthouse

A tiny static site generator.

<!-- toc -->
- [Install](#install)
- [Old section that no longer exists](#old-section)
<!-- tocstop -->

## Install

Download the binary.

## Quick start

### From a template

Run \`lighthouse new\`.

### From scratch

Write an \`index.md\`.

\`\`\`sh
## this is a comment in a shell snippet, not a heading
lighthouse build
\`\`\`

## What's new in v2.0?

### Examples

## The \`config\` file

#### Advanced keys (too deep for the table of contents)

### Examples

## FAQ & Troubleshooting
`;

/** GitHub-style anchors, as the instruction defines them. */
function tocFor(markdown: string): string[] {
  const out: string[] = [];
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    const match = /^(##|###) (.+)$/.exec(line);
    if (!match) continue;
    const text = match[2].trim();
    const base = text.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    const anchor = count ? `${base}-${count}` : base;
    out.push(`${match[1] === '##' ? '' : '  '}- [${text}](#${anchor})`);
  }
  return out;
}

function withToc(markdown: string): string {
  const start = markdown.indexOf('<!-- toc -->');
  const end = markdown.indexOf('<!-- tocstop -->');
  return `${markdown.slice(0, start)}<!-- toc -->\n${lines(tocFor(markdown))}${markdown.slice(end)}`;
}

const markdownToc: Task = {
  id: 'markdown-toc',
  title: 'Generate a Markdown table of contents',
  instruction: `The table of contents in \`README.md\` (between the lines \`<!-- toc -->\` and \`<!-- tocstop -->\`) is out of date. Regenerate it in place:

- one entry per \`##\` and \`###\` heading, in document order (not \`#\` or \`####\`); lines inside fenced code blocks (\`\`\`) are not headings;
- a \`##\` heading becomes \`- [TEXT](#ANCHOR)\`, a \`###\` heading \`  - [TEXT](#ANCHOR)\` (two spaces first), where TEXT is the heading text as written;
- ANCHOR: the text lowercased, every character except \`a-z\`, \`0-9\`, space, \`-\` and \`_\` removed, then each space replaced by \`-\` (\`What's new in v2.0?\` → \`whats-new-in-v20\`). When an anchor was already used by an earlier heading, add \`-1\` for its second use, \`-2\` for the third, and so on;
- the entries go directly between the two marker lines (no blank lines); everything outside the markers stays exactly as it is.`,
  initialFiles: { 'README.md': TOC_README },
  verifier: {
    files: { 'expected-README.md': withToc(TOC_README) },
    script: withVerifyLib(`
same_file README.md /verifier/expected-README.md
echo "the table of contents is correct"
`),
  },
  solution: `
awk '
  NR == FNR {
    if ($0 ~ /^\`\`\`/) fenced = !fenced
    if (!fenced && ($0 ~ /^## / || $0 ~ /^### /)) {
      level = ($0 ~ /^### /) ? 3 : 2
      text = substr($0, level + 2)
      anchor = tolower(text)
      gsub(/[^a-z0-9 _-]/, "", anchor)
      gsub(/ /, "-", anchor)
      used = count[anchor]++
      if (used) anchor = anchor "-" used
      n++
      toc[n] = (level == 3 ? "  " : "") "- [" text "](#" anchor ")"
    }
    next
  }
  /^<!-- toc -->$/ { print; for (i = 1; i <= n; i++) print toc[i]; skip = 1; next }
  /^<!-- tocstop -->$/ { skip = 0 }
  !skip { print }
' README.md README.md > /tmp/README.new && cat /tmp/README.new > README.md
`,
  agentTimeoutSec: 180,
  verifierTimeoutSec: 10,
  category: 'text-processing',
  difficulty: 'medium',
  tags: ['markdown', 'awk', 'anchors', 'in-place'],
};

// ---------------------------------------------------------------------------------------------
// csv-to-markdown-script

/** Reference implementation, to the letter of the instruction. */
function csvToMarkdown(csv: string): string {
  const rows = csv.replace(/\r/g, '').split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  const cells = rows.map((row) => row.split(',').map((cell) => cell.trim()));
  const width = cells[0].length;
  const numeric = Array.from({ length: width }, (_, i) => {
    const values = cells.slice(1).map((row) => row[i] ?? '').filter((value) => value !== '');
    return values.length > 0 && values.every((value) => /^-?[0-9]+(\.[0-9]+)?$/.test(value));
  });
  const render = (row: string[]) => `| ${Array.from({ length: width }, (_, i) => (row[i] ?? '').replace(/\|/g, '\\|')).join(' | ')} |`;
  return lines([render(cells[0]), `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`, ...cells.slice(1).map(render)]);
}

const MD_CASES: Array<{ file: string; csv: string }> = [
  { file: 'planets.csv', csv: 'planet,moons,radius_km,type\nMercury,0,2439.7,rocky\nEarth,1,6371,rocky\nJupiter,95,69911,gas giant\nNeptune,16,24622,ice giant\n' },
  { file: 'mixed.csv', csv: 'id , code , delta , note\n1, A|B ,-4, fine \n2,C,,\n3,D,7.25,needs | escaping\n' },
  { file: 'ragged.csv', csv: 'name,score,comment\r\nann,10\r\nbob,x9,late\r\ncid,12,ok' },
  { file: 'header-only.csv', csv: 'a,b\n' },
];

const csvToMarkdownScript: Task = {
  id: 'csv-to-markdown-script',
  title: 'Write a CSV to Markdown table converter',
  instruction: `Write a bash script \`csv2md.sh\` so that \`bash csv2md.sh FILE\` prints the CSV file \`FILE\` as a Markdown table:

- Cells are separated by commas (never quoted); spaces around a cell are trimmed. The first line is the header. Files may have CRLF line endings and may lack a final newline.
- Every output row is \`| \` + the cells joined by \` | \` + \` |\`, e.g. \`| Earth | 1 | 6371 |\`; an empty cell is just empty (\`| a |  | c |\`). Rows with fewer cells than the header are padded with empty cells.
- A \`|\` inside a cell is written as \`\\|\`.
- The second output line is the alignment row: \`---:\` for a column whose non-empty data cells are all numbers (an optional \`-\`, digits, optionally \`.\` and more digits) and that has at least one non-empty data cell, \`---\` otherwise — e.g. \`| --- | ---: |\`.

\`books.csv\` is a sample; the script will be tested on other files.`,
  initialFiles: { 'books.csv': 'title,year,pages\nDune,1965,412\nNeuromancer,1984,271\n' },
  verifier: {
    files: Object.fromEntries(MD_CASES.flatMap((c) => [[c.file, c.csv], [`${c.file}.md`, csvToMarkdown(c.csv)]])),
    script: withVerifyLib(`
[ -f csv2md.sh ] || fail "csv2md.sh is missing"
for f in ${MD_CASES.map((c) => c.file).join(' ')}; do
  bash csv2md.sh "/verifier/$f" > /tmp/out.md 2>/tmp/err.txt || fail "bash csv2md.sh $f exited non-zero: $(head -c 200 /tmp/err.txt)"
  compare_norm "the table for a hidden file ($f)" /tmp/out.md "/verifier/$f.md"
done
echo "csv2md.sh converts every hidden file correctly"
`),
  },
  solution: `
cat > csv2md.sh <<'EOF'
# usage: bash csv2md.sh FILE
tr -d '\\r' < "$1" > /tmp/csv2md.in
awk -F, '
  function cell(i,    v) { v = $i; gsub(/^[ ]+|[ ]+$/, "", v); return v }
  NR == FNR {
    if (FNR == 1) { cols = NF; next }
    for (i = 1; i <= cols; i++) {
      v = cell(i)
      if (v != "") { seen[i] = 1; if (v !~ /^-?[0-9]+([.][0-9]+)?$/) text[i] = 1 }
    }
    next
  }
  {
    row = "|"
    for (i = 1; i <= cols; i++) {
      v = cell(i)
      n = split(v, parts, "|")
      out = parts[1]
      for (k = 2; k <= n; k++) out = out "\\\\|" parts[k]
      row = row " " out " |"
    }
    print row
    if (FNR == 1) {
      sep = "|"
      for (i = 1; i <= cols; i++) {
        if (seen[i] && !text[i]) sep = sep " ---: |"
        else sep = sep " --- |"
      }
      print sep
    }
  }
' /tmp/csv2md.in /tmp/csv2md.in
EOF
bash csv2md.sh books.csv
`,
  agentTimeoutSec: 240,
  verifierTimeoutSec: 20,
  category: 'text-processing',
  difficulty: 'medium',
  tags: ['csv', 'markdown', 'awk', 'escaping', 'hidden-inputs'],
};

// ---------------------------------------------------------------------------------------------
// template-render-script

interface RenderCase {
  template: string;
  values: string;
  /** Expected stdout, or the missing key for the error case. */
  output?: string;
  missing?: string;
}

function renderTemplate(template: string, values: string): RenderCase {
  const map = new Map<string, string>();
  for (const line of values.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    map.set(line.slice(0, eq), line.slice(eq + 1));
  }
  let missing: string | undefined;
  const output = template.replace(/\{\{ *([A-Za-z_][A-Za-z0-9_]*) *\}\}/g, (_all, key: string) => {
    if (!map.has(key)) missing ??= key;
    return map.get(key) ?? '';
  });
  return missing ? { template, values, missing } : { template, values, output };
}

const RENDER_CASES: RenderCase[] = [
  renderTemplate(
    'Dear {{name}},\nyour order {{ order_id }} ships to {{city}}.\n{{name}}, thanks!\n',
    '# customer\nname=Zoë & Co\norder_id=A/42\ncity=São Paulo\n',
  ),
  renderTemplate(
    'path={{dir}}/bin\nregex={{re}}\nmoney={{price}}\nquote="{{q}}"\nliteral={{nested}}\n{not a placeholder} {{ spaced }}\n',
    'dir=C:\\Program Files\\app\nre=^[a-z]+\\.(txt|md)$\nprice=$5 & $10\nq=it\'s "fine"\nnested={{dir}}\nspaced=ok=yes\nprice=$7 & $10\n',
  ),
  renderTemplate('a={{a}} b={{b}} c={{c}}\n', 'a=1\nc=3\n'),
];

const templateRenderScript: Task = {
  id: 'template-render-script',
  title: 'Write a safe template renderer',
  instruction: `Write a bash script \`render.sh\`:

    bash render.sh TEMPLATE VALUES

- \`VALUES\` holds lines \`KEY=VALUE\`. The key is everything before the first \`=\`; the value is everything after it, **verbatim** — it may contain \`=\`, spaces, \`&\`, \`/\`, \`\\\`, \`$\`, quotes or \`{{…}}\`. Blank lines and lines starting with \`#\` are ignored. If a key appears twice, the later value wins.
- \`TEMPLATE\` is text with placeholders \`{{KEY}}\`, optionally with spaces inside the braces (\`{{ KEY }}\`); keys are letters, digits and \`_\`. Print the template to stdout with every placeholder replaced by its value and every other character unchanged. Values are inserted as they are: a \`{{…}}\` inside a value is not expanded again.
- If the template uses a key that has no value: print \`render: missing value for KEY\` to stderr, print nothing to stdout, and exit with status \`3\`.

\`letter.tmpl\` and \`letter.vars\` are an example; the script will be tested on trickier inputs.`,
  initialFiles: { 'letter.tmpl': 'Hello {{ who }},\nsee you in {{place}}.\n', 'letter.vars': 'who=Ada\nplace=London\n' },
  verifier: {
    files: Object.fromEntries(
      RENDER_CASES.flatMap((c, i) => [
        [`case${i + 1}.tmpl`, c.template],
        [`case${i + 1}.vars`, c.values],
        ...(c.output !== undefined ? [[`case${i + 1}.expected`, c.output]] : []),
      ]),
    ),
    script: withVerifyLib(`
[ -f render.sh ] || fail "render.sh is missing"
cd /verifier
${RENDER_CASES.map((c, i) =>
  c.output !== undefined
    ? `bash /work/render.sh case${i + 1}.tmpl case${i + 1}.vars > /tmp/out.txt 2>/tmp/err.txt || fail "case ${i + 1}: render.sh exited non-zero: $(head -c 200 /tmp/err.txt)"
[ "$(md5sum < /tmp/out.txt)" = "$(md5sum < case${i + 1}.expected)" ] || [ "$(cat /tmp/out.txt)" = "$(cat case${i + 1}.expected)" ] || fail "case ${i + 1}: wrong output: $(head -c 300 /tmp/out.txt | tr '\\n' '|')"`
    : `bash /work/render.sh case${i + 1}.tmpl case${i + 1}.vars > /tmp/out.txt 2>/tmp/err.txt; status=$?
[ "$status" -eq 3 ] || fail "case ${i + 1}: a missing value must exit with status 3, got $status"
[ ! -s /tmp/out.txt ] || fail "case ${i + 1}: a missing value must print nothing to stdout"
grep -qF 'render: missing value for ${c.missing}' /tmp/err.txt || fail "case ${i + 1}: stderr must name the missing key"`,
).join('\n')}
echo "render.sh handles every hidden case"
`),
  },
  solution: `
cat > render.sh <<'EOF'
# usage: bash render.sh TEMPLATE VALUES
awk '
  NR == FNR {
    if ($0 == "" || $0 ~ /^#/) next
    eq = index($0, "=")
    value[substr($0, 1, eq - 1)] = substr($0, eq + 1)
    next
  }
  {
    line = $0
    out = ""
    while (match(line, /[{][{] *[A-Za-z_][A-Za-z0-9_]* *[}][}]/)) {
      key = substr(line, RSTART, RLENGTH)
      gsub(/[{} ]/, "", key)
      if (!(key in value)) { print "MISSING " key > "/tmp/render.missing"; exit 3 }
      out = out substr(line, 1, RSTART - 1) value[key]
      line = substr(line, RSTART + RLENGTH)
    }
    print out line
  }
' "$2" "$1" > /tmp/render.out
status=$?
if [ "$status" -ne 0 ]; then
  key=$(awk '{ print $2; exit }' /tmp/render.missing)
  echo "render: missing value for $key" >&2
  rm -f /tmp/render.missing
  exit 3
fi
cat /tmp/render.out
EOF
bash render.sh letter.tmpl letter.vars
`,
  agentTimeoutSec: 300,
  verifierTimeoutSec: 20,
  category: 'text-processing',
  difficulty: 'hard',
  tags: ['templating', 'escaping', 'exit-codes', 'hidden-inputs'],
};

export const textProcessingTasks: Task[] = [normalizeContacts, wordFrequency, normalizeLineEndings, markdownToc, csvToMarkdownScript, templateRenderScript];

