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
    // Without showModal (old browsers, jsdom) the dialog still shows, just not modally.
    if (!d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    }
    const onCancel = (e: Event) => {
      e.preventDefault();
      onClose.current();
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !e.defaultPrevented && onClose.current();
    d.addEventListener('cancel', onCancel);
    const modal = typeof d.showModal === 'function';
    if (!modal) document.addEventListener('keydown', onKey); // no cancel event without a modal dialog
    return () => {
      d.removeEventListener('cancel', onCancel);
      document.removeEventListener('keydown', onKey);
      if (d.open) {
        if (typeof d.close === 'function') d.close();
        else d.removeAttribute('open');
      }
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
