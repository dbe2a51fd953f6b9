import { type ReactNode, useState } from 'react';

interface Props {
  /** The button that asks first. */
  label: ReactNode;
  /** What will happen, said before it happens (e.g. what is deleted and the storage it frees). */
  question: ReactNode;
  confirmLabel: string;
  onConfirm(): void | Promise<void>;
  testId: string;
  disabled?: boolean;
  className?: string;
  /** Called when the question opens, e.g. to measure the storage a delete frees. */
  onOpen?: () => void;
}

/** An irreversible action behind an inline confirmation: the first click asks, the second one acts. */
export function ConfirmAction({ label, question, confirmLabel, onConfirm, testId, disabled, className = 'small', onOpen }: Props) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className={className}
        disabled={disabled}
        onClick={(event) => {
          event.stopPropagation();
          setAsking(true);
          onOpen?.();
        }}
        data-testid={testId}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm-box" role="alertdialog" aria-label="confirm" data-testid={`${testId}-confirm-box`} onClick={(event) => event.stopPropagation()}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className="small danger"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
        data-testid={`${testId}-confirm`}
      >
        {confirmLabel}
      </button>
      <button type="button" className="small" onClick={() => setAsking(false)} data-testid={`${testId}-cancel`}>
        Cancel
      </button>
    </span>
  );
}
