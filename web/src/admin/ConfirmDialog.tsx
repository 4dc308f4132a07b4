import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

export interface Confirmation {
  text: string;
  action: string;
  danger?: boolean;
  /** Extra fields shown in the dialog (duration, reason). */
  body?: React.ReactNode;
  run: () => Promise<void>;
}

/** A modal confirmation (the native <dialog>: focus stays inside, Escape cancels). */
export function ConfirmDialog({ confirm, onClose }: { confirm: Confirmation | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (confirm && !d.open) d.showModal();
    if (!confirm && d.open) d.close();
  }, [confirm]);
  return (
    <dialog ref={ref} className="confirm-dialog" onClose={onClose} aria-labelledby="confirm-text">
      {confirm && (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            const run = confirm.run;
            onClose();
            void run();
          }}
        >
          <p id="confirm-text" className="confirm-text">
            {confirm.text}
          </p>
          {confirm.body}
          <div className="confirm-actions">
            <button type="button" className="small-button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className={confirm.danger ? 'danger-button' : 'primary'} autoFocus>
              {confirm.action}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
