import { type DragEvent, type ReactNode, useState } from 'react';

interface Props {
  /** Shown in the drop area, e.g. "Drop a .harness.json here". */
  prompt: ReactNode;
  /** The `accept` of the file input, e.g. `.json,application/json`. */
  accept: string;
  buttonLabel: string;
  onFile(file: File): void;
  testId: string;
  disabled?: boolean;
}

/** A file picker that also takes a file dropped onto it. */
export function FileDrop({ prompt, accept, buttonLabel, onFile, testId, disabled }: Props) {
  const [dragging, setDragging] = useState(false);
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file && !disabled) onFile(file);
  };
  return (
    <div
      className={dragging ? 'file-drop dragging' : 'file-drop'}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
      data-testid={`${testId}-drop`}
    >
      <span className="muted">{prompt}</span>
      <label className={disabled ? 'file-button disabled' : 'file-button'}>
        {buttonLabel}
        <input
          type="file"
          accept={accept}
          hidden
          disabled={disabled}
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) onFile(file);
          }}
          data-testid={testId}
        />
      </label>
    </div>
  );
}
