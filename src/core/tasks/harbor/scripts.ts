/** A script rather than data: what the importer reads for the commands it calls. */
export function isScript(path: string, content: string): boolean {
  return /\.(sh|bash)$/.test(path) || content.startsWith('#!') || /(^|\/)Dockerfile$/.test(path);
}

/** A shell script, whose commands must all exist in the sandbox. */
export function isShellScript(path: string, content: string): boolean {
  return /\.(sh|bash)$/.test(path) || /^#!.*\b(ba)?sh\b/.test(content);
}

/** Quote a string as one bash word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
