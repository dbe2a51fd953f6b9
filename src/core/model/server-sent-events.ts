/**
 * Splits a Server-Sent Events stream (already decoded to text) into `data` payloads.
 * Handles lines split across chunks, CRLF, comments, multi-line data, and servers that omit the blank line between
 * events (a complete JSON payload followed by another data line is an event of its own).
 *
 * Linear in the stream's length: each chunk is scanned once, and a line that spans many chunks is kept as a list of
 * pieces joined once when it ends (re-splitting a growing buffer made a 3.4 MB line in 1 KB chunks take seconds).
 */
export class ServerSentEventParser {
  sawData = false;
  private lineParts: string[] = [];
  private pending: string[] = [];
  private lastWasCarriageReturn = false;

  push(text: string): string[] {
    const events: string[] = [];
    let start = 0;
    // A CRLF split across two chunks must not count as two line ends.
    if (this.lastWasCarriageReturn && text.startsWith('\n')) start = 1;
    this.lastWasCarriageReturn = false;
    lineBreak.lastIndex = start;
    for (let found = lineBreak.exec(text); found !== null; found = lineBreak.exec(text)) {
      const index = found.index;
      this.lineParts.push(text.slice(start, index));
      this.line(this.takeLine(), events);
      let next = index + 1;
      if (text.charCodeAt(index) === 13) {
        if (next < text.length) {
          if (text.charCodeAt(next) === 10) next++;
        } else {
          this.lastWasCarriageReturn = true;
        }
      }
      start = next;
      lineBreak.lastIndex = next;
    }
    if (start < text.length) this.lineParts.push(text.slice(start));
    return events;
  }

  end(): string[] {
    const events: string[] = [];
    const rest = this.takeLine();
    if (rest !== '') this.line(rest, events);
    this.flush(events);
    return events;
  }

  private takeLine(): string {
    const line = this.lineParts.length === 1 ? this.lineParts[0] : this.lineParts.join('');
    this.lineParts = [];
    return line ?? '';
  }

  private line(line: string, events: string[]): void {
    if (line === '') {
      this.flush(events);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return; // event:, id:, retry: and stray text carry nothing we use.
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    this.sawData = true;
    // A server that omits the blank line between events: a new data line after one complete payload starts the next.
    if (this.pending.length === 1 && isCompletePayload(this.pending[0])) this.flush(events);
    this.pending.push(value);
  }

  private flush(events: string[]): void {
    if (this.pending.length === 0) return;
    events.push(this.pending.join('\n'));
    this.pending = [];
  }
}

const lineBreak = /[\r\n]/g;

// Parsed only when a data line follows another without a blank line between, which conformant servers never do.
function isCompletePayload(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === '[DONE]') return true;
  const first = trimmed[0];
  const last = trimmed[trimmed.length - 1];
  if (!((first === '{' && last === '}') || (first === '[' && last === ']'))) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}
