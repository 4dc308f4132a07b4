import { useTranslation } from 'react-i18next';
import { STICKERS, STICKER_NAMES, type StickerName } from '../../../src/protocol/stickers.js';
import { STICKER_ART } from './sticker-art.js';

/** The 20 stickers; one click sends. Arrow keys move between them (a grid of 5 columns). */
export function StickerPanel({ onPick, onClose }: { onPick: (name: StickerName) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const move = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...e.currentTarget.querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 5, ArrowUp: -5 }[e.key];
    if (e.key === 'Escape') return onClose();
    if (step === undefined || at === -1) return;
    e.preventDefault();
    buttons[(at + step + buttons.length) % buttons.length]?.focus();
  };
  return (
    <div className="popover sticker-panel" role="dialog" aria-label={t('sticker.panel')} onKeyDown={move}>
      <div className="sticker-grid">
        {STICKER_NAMES.map((name, i) => (
          <button key={name} type="button" className="sticker-choice" onClick={() => onPick(name)} title={name} aria-label={t('sticker.send', { name, emoji: STICKERS[name] })} autoFocus={i === 0} data-sticker={name}>
            <img src={STICKER_ART[name]} alt="" width={44} height={44} />
          </button>
        ))}
      </div>
    </div>
  );
}
