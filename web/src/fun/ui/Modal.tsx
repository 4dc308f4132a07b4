import { useEffect, useRef, type ReactNode } from 'react';
import { useFunT } from '../i18n';

/**
 * A modal <dialog>: focus kept inside, Esc closes (unless the content handles Esc itself and
 * calls preventDefault), and closing it unmounts the content, which releases cameras and timers.
 */
export function Modal(props: { title: string; onClose: () => void; children: ReactNode; className?: string; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const t = useFunT();
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) d.showModal?.();
    const onCancel = (e: Event) => {
      e.preventDefault();
      onClose.current();
    };
    d.addEventListener('cancel', onCancel);
    return () => {
      d.removeEventListener('cancel', onCancel);
      if (d.open) d.close();
    };
  }, []);
  return (
    <dialog ref={ref} className={`fun-modal ${props.wide ? 'fun-modal-wide' : ''} ${props.className ?? ''}`} aria-label={props.title}>
      <header className="fun-modal-head">
        <h2>{props.title}</h2>
        <button type="button" className="fun-icon-button" onClick={() => onClose.current()} aria-label={t('close')} title={t('close')}>
          ✕
        </button>
      </header>
      <div className="fun-modal-body">{props.children}</div>
    </dialog>
  );
}
