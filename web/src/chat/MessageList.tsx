import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConvState } from '../app/chat-store.js';
import { startsDay, startsGroup } from '../../../src/client/timeline.js';
import type { FileLinks } from '../files/file-links.js';
import { MessageRow } from './MessageRow.js';

interface Props {
  conv: ConvState;
  me: string;
  links: FileLinks;
  onLoadOlder: () => void;
  onOpenImage: (src: string, name: string) => void;
  /** Whether the reader is at the newest message (read markers move only then). */
  onAtBottom?: (atBottom: boolean) => void;
}

/**
 * The conversation, virtualised: only the rows on screen (and a few around) are in the DOM, so a
 * history of 10 000 messages scrolls as smoothly as one of 10. It sticks to the newest message
 * while the reader is at the bottom, keeps the reader's place when older pages arrive above, and
 * asks for the next older page when the reader nears the top.
 */
export function MessageList({ conv, me, links, onLoadOlder, onOpenImage, onAtBottom }: Props) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const items = conv.items;
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 44,
    overscan: 8,
    getItemKey: (i) => items[i]!.id,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: 48,
    paddingStart: conv.hasOlder ? 8 : 40,
    paddingEnd: 8,
  });

  // A conversation opens at its newest message.
  const shownConv = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (items.length === 0) return;
    if (shownConv.current === conv.conv) return;
    shownConv.current = conv.conv;
    virtualizer.scrollToEnd();
  }, [conv.conv, items.length, virtualizer]);

  // Older pages when the reader nears the top (also when a short page does not fill the screen).
  const first = virtualizer.getVirtualItems()[0];
  useEffect(() => {
    if (first && first.index < 5 && conv.hasOlder && !conv.loadingOlder && conv.loaded && shownConv.current === conv.conv) onLoadOlder();
  }, [first, conv.hasOlder, conv.loadingOlder, conv.loaded, conv.conv, onLoadOlder]);

  const rows = virtualizer.getVirtualItems();
  const from = conv.unreadFrom;
  const firstUnread = from === undefined ? -1 : items.findIndex((it) => it.kind === 'msg' && it.m.seq >= from && it.m.from !== me);
  const reportBottom = () => {
    const el = scroller.current;
    if (el && onAtBottom) onAtBottom(el.scrollHeight - el.scrollTop - el.clientHeight < 48);
  };
  return (
    <div className="message-scroller" ref={scroller} onScroll={reportBottom} role="log" aria-live="polite" aria-relevant="additions" aria-label={t('chat.messages')} tabIndex={0} data-testid="message-list">
      {conv.loadingOlder && <div className="loading-older">{t('chat.loadingOlder')}</div>}
      {conv.loaded && items.length === 0 && <div className="empty">{t('chat.empty')}</div>}
      <div className="message-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {!conv.hasOlder && conv.loaded && items.length > 0 && <div className="history-start">{t('chat.historyStart')}</div>}
        {rows.map((r) => {
          const item = items[r.index]!;
          return (
            <div key={r.key} data-index={r.index} ref={virtualizer.measureElement} className="row-slot" style={{ transform: `translateY(${r.start}px)` }}>
              <MessageRow item={item} head={startsGroup(items[r.index - 1], item) || startsDay(items[r.index - 1], item) || r.index === firstUnread} day={startsDay(items[r.index - 1], item)} unreadDivider={r.index === firstUnread} me={me} links={links} onOpenImage={onOpenImage} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
