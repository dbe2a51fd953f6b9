import { useEffect, useRef } from 'react';
import { serializeHarness } from '../../core/harness/harness.js';
import type { HarnessDocument } from '../../core/harness/schema.js';
import { monaco } from '../../platform/monaco.js';

/**
 * Both versions as they would be saved to files, side by side, read-only. Monaco's own diff editor, driven directly:
 * on unmount the widget is disposed before its models, the order Monaco requires (the React wrapper gets it wrong).
 */
export default function MonacoDiff({ before, after }: { before: HarnessDocument; after: HarnessDocument }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const original = monaco.editor.createModel(serializeHarness(before), 'json');
    const modified = monaco.editor.createModel(serializeHarness(after), 'json');
    const editor = monaco.editor.createDiffEditor(host.current, {
      readOnly: true,
      originalEditable: false,
      renderSideBySide: true,
      // The gutter's revert menu is useless read-only, and its toolbar outlives a disposed editor by one tick (an error).
      renderGutterMenu: false,
      renderMarginRevertIcon: false,
      minimap: { enabled: false },
      fontSize: 12,
      scrollBeyondLastLine: false,
      wordWrap: 'on',
      automaticLayout: true,
    });
    editor.setModel({ original, modified });
    return () => {
      editor.dispose();
      original.dispose();
      modified.dispose();
    };
  }, [before, after]);
  return <div className="monaco-frame diff-frame" ref={host} style={{ height: 480 }} data-testid="versions-monaco-diff" />;
}
