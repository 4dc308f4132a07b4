import { useEffect, useRef, useState, type ReactNode } from 'react';

/** A toolbar button with a small menu of actions; Esc or a click elsewhere closes it. */
export function Menu(props: { label: string; icon: ReactNode; items: { label: string; onSelect: () => void; disabled?: boolean; title?: string }[] }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <span className="fun-menu" ref={root}>
      <button type="button" className="fun-tool" aria-haspopup="menu" aria-expanded={open} aria-label={props.label} title={props.label} onClick={() => setOpen((o) => !o)}>
        {props.icon}
      </button>
      {open && (
        <span className="fun-menu-list" role="menu">
          {props.items.map((it) => (
            <button
              key={it.label}
              type="button"
              role="menuitem"
              disabled={it.disabled}
              title={it.title}
              onClick={() => {
                setOpen(false);
                it.onSelect();
              }}
            >
              {it.label}
            </button>
          ))}
        </span>
      )}
    </span>
  );
}
