import { DiffEditor } from '@monaco-editor/react';
import { serializeHarness } from '../../core/harness/harness.js';
import type { HarnessDocument } from '../../core/harness/schema.js';
import '../../platform/monaco.js';

/** Both versions as they would be saved to files, side by side, read-only (Monaco, loaded with this page's diff). */
export default function MonacoDiff({ before, after }: { before: HarnessDocument; after: HarnessDocument }) {
  return (
    <div className="monaco-frame diff-frame" data-testid="versions-monaco-diff">
      <DiffEditor
        height="480px"
        language="json"
        original={serializeHarness(before)}
        modified={serializeHarness(after)}
        loading={<p className="muted">Loading the diff editor…</p>}
        options={{ readOnly: true, originalEditable: false, renderSideBySide: true, minimap: { enabled: false }, fontSize: 12, scrollBeyondLastLine: false, wordWrap: 'on', automaticLayout: true }}
      />
    </div>
  );
}
