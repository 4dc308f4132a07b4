import 'emoji-picker-element';
import type { EmojiClickEvent } from 'emoji-picker-element/shared';
import type Picker from 'emoji-picker-element/picker';
import zhCN from 'emoji-picker-element/i18n/zh_CN';
import enData from 'emoji-picker-element-data/en/emojibase/data.json?url';
import zhData from 'emoji-picker-element-data/zh/emojibase/data.json?url';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Unicode emoji (emoji-picker-element), working offline: its data is served by this server, never
 * fetched from a CDN. Picking one inserts it into the text being written.
 */
export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  const zh = i18n.language.startsWith('zh');
  useEffect(() => {
    const picker = document.createElement('emoji-picker') as Picker;
    picker.dataSource = zh ? zhData : enData;
    picker.locale = zh ? 'zh' : 'en';
    if (zh) picker.i18n = zhCN;
    const click = (e: Event) => {
      const unicode = (e as EmojiClickEvent).detail.unicode;
      if (unicode) onPick(unicode);
    };
    picker.addEventListener('emoji-click', click);
    host.current?.appendChild(picker);
    // The search box gets the focus, so typing filters at once.
    const focus = setTimeout(() => picker.shadowRoot?.querySelector<HTMLInputElement>('input')?.focus(), 50);
    return () => {
      clearTimeout(focus);
      picker.removeEventListener('emoji-click', click);
      picker.remove();
    };
  }, [zh, onPick]);
  return <div className="popover emoji-popover" role="dialog" aria-label={t('emoji.panel')} ref={host} onKeyDown={(e) => e.key === 'Escape' && onClose()} />;
}
