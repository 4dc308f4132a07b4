import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../app/icons.js';

/** A modal dialog (the native <dialog>: focus stays inside, Escape closes), open while mounted. */
export function Modal({ title, onClose, children, className = '' }: { title: string; onClose: () => void; children: React.ReactNode; className?: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    // React passes a nested dialog's close and cancel up the tree: only this dialog's own count.
    <dialog ref={ref} className={`modal ${className}`} aria-labelledby="modal-title" onClose={(e) => e.target === e.currentTarget && onClose()} onCancel={(e) => e.target === e.currentTarget && onClose()}>
      <header className="modal-head">
        <h2 id="modal-title">{title}</h2>
        <button type="button" className="icon-button" aria-label={t('common.close')} onClick={onClose}>
          <Icon name="x" size={18} />
        </button>
      </header>
      {children}
    </dialog>
  );
}
