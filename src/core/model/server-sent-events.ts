/**
 * Splits a Server-Sent Events stream (already decoded to text) into `data` payloads.
 * Handles lines split across chunks, CRLF, comments, and servers that omit the blank line between events.
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
    for (let index = start; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code !== 10 && code !== 13) continue;
      this.lineParts.push(text.slice(start, index));
      this.line(this.takeLine(), events);
      if (code === 13) {
        if (index + 1 < text.length) {
          if (text.charCodeAt(index + 1) === 10) index++;
        } else {
          this.lastWasCarriageReturn = true;
        }
      }
      start = index + 1;
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
    if (this.pending.length === 0 && isCompletePayload(value)) {
      events.push(value);
      return;
    }
    this.pending.push(value);
  }

  private flush(events: string[]): void {
    if (this.pending.length === 0) return;
    events.push(this.pending.join('\n'));
    this.pending = [];
  }
}

// A complete JSON value (or [DONE]) on one data line is an event even when the blank line after it never comes.
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
