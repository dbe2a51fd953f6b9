import type { TokenUsage } from '../core/model/types.js';

/** Display helpers shared by the panels; all pure. */

export const shortHash = (hash: string | undefined): string => (hash ? hash.slice(0, 8) : '—');

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Made once: `toLocaleString` with options builds a new formatter on every call (~20 ms for the first on a cold page). */
let timeFormat: Intl.DateTimeFormat | undefined;

export function formatTime(timestamp: number | undefined): string {
  if (!timestamp) return '—';
  timeFormat ??= new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return timeFormat.format(new Date(timestamp));
}

export const totalTokens = (usage: TokenUsage | undefined): number => (usage ? usage.inputTokens + usage.outputTokens : 0);

export function formatTokens(usage: TokenUsage | undefined): string {
  if (!usage) return '—';
  return `${totalTokens(usage).toLocaleString()} (${usage.inputTokens.toLocaleString()} in / ${usage.outputTokens.toLocaleString()} out)`;
}

/** `openai-compatible:gpt-4o-mini@https://api.openai.com/v1` → `gpt-4o-mini`; the full id stays in a tooltip. */
export function shortModelId(modelId: string): string {
  const afterProvider = modelId.includes(':') ? modelId.slice(modelId.indexOf(':') + 1) : modelId;
  const at = afterProvider.lastIndexOf('@');
  return at > 0 ? afterProvider.slice(0, at) : afterProvider;
}

/** `1 step`, `3 steps`. */
export const plural = (count: number, word: string): string => `${count.toLocaleString()} ${word}${count === 1 ? '' : 's'}`;

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** `98.4 MB`, `1.2 GB` (decimal units, as disks and downloads count them). */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return 'unknown size';
  if (bytes < 1e6) return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
  return `${(bytes / 1e9).toFixed(1)} GB`;
}
