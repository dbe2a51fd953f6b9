/** A shell script, whose commands must all exist in the sandbox. */
export function isShellScript(path: string, content: string): boolean {
  return /\.(sh|bash)$/.test(path) || /^#!.*\b(ba)?sh\b/.test(content);
}

/** Quote a string as one bash word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
