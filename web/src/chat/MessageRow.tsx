import { memo, useContext, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { STICKERS, isSticker } from '../../../src/protocol/stickers.js';
import type { Item } from '../../../src/client/timeline.js';
import type { FileLinks } from '../files/file-links.js';
import { FileMessage } from '../files/FileMessage.js';
import { STICKER_ART } from '../stickers/sticker-art.js';
import { dayLabel, initial, messageTime, nameHue } from './format.js';
import { linkify } from './linkify.js';
import { MessageActions } from './MessageActions.js';
import { MessageActionsContext } from './message-actions-context.js';
import { OpenConvContext } from './open-conv-context.js';
import { MessageEditor } from './MessageEditor.js';
import { Reactions } from './Reactions.js';

export interface RowProps {
  item: Item;
  /** The first row of a run by one sender: shows the name, time and avatar. */
  head: boolean;
  /** The first row of a day: a divider with the date goes above it. */
  day?: boolean;
  /** The first unread message: a "new messages" divider goes above it. */
  unreadDivider?: boolean;
  me: string;
  /** Signed download links of the files shown (never the session token in a URL). */
  links: FileLinks;
  onOpenImage: (src: string, name: string) => void;
}

/** One row of the conversation. Every text is rendered as text: nothing is parsed as HTML. */
export const MessageRow = memo(function MessageRow({ day, unreadDivider, ...props }: RowProps) {
  const { t, i18n } = useTranslation();
  const row = <Row {...props} />;
  if (!day && !unreadDivider) return row;
  const ts = props.item.kind === 'msg' ? props.item.m.ts : props.item.ts;
  return (
    <>
      {day && (
        <div className="day-divider" role="separator">
          <span>{dayLabel(ts, i18n.language, { today: t('chat.today'), yesterday: t('chat.yesterday') })}</span>
        </div>
      )}
      {unreadDivider && (
        <div className="unread-divider" role="separator" data-testid="unread-divider">
          <span>{t('msg.newMessages')}</span>
        </div>
      )}
      {row}
    </>
  );
});

function Row({ item, head, me, links, onOpenImage }: Omit<RowProps, 'day'>) {
  const { t, i18n } = useTranslation();
  const api = useContext(MessageActionsContext);
  const openConv = useContext(OpenConvContext);
  const [editing, setEditing] = useState(false);
  if (item.kind === 'system') {
    return (
      <div className={`row system ${item.tone} ${item.from ? 'announce' : ''}`} role="note">
        <span className="system-text">{item.text}</span>
        <time className="system-time" dateTime={new Date(item.ts).toISOString()}>{messageTime(item.ts, i18n.language)}</time>
      </div>
    );
  }
  const from = item.kind === 'msg' ? item.m.from : item.from;
  const ts = item.kind === 'msg' ? item.m.ts : item.ts;
  const own = from === me;
  const pending = item.kind === 'pending';
  const body = item.kind === 'msg' ? item.m : { ...item.content, file: undefined };
  let content: React.ReactNode;
  let kind = 'text';
  const stored = item.kind === 'msg' ? item.m : undefined;
  if (stored?.deleted) {
    kind = 'deleted';
    content = <p className="msg-deleted">{t(own ? 'msg.deletedOwn' : 'msg.deleted')}</p>;
  } else if (stored && editing && api) {
    content = <MessageEditor initial={stored.text ?? ''} onSave={(text) => api.edit(stored, text)} onCancel={() => setEditing(false)} />;
  } else if ('sticker' in body && body.sticker && isSticker(body.sticker)) {
    kind = 'sticker';
    content = <img className="sticker" src={STICKER_ART[body.sticker]} alt={t('sticker.alt', { name: body.sticker, emoji: STICKERS[body.sticker] })} width={96} height={96} />;
  } else if (item.kind === 'msg' && item.m.file) {
    kind = 'file';
    content = <FileMessage file={item.m.file} links={links} onOpenImage={onOpenImage} />;
  } else if (item.kind === 'pending' && 'file' in item.content) {
    kind = 'file';
    content = <span className="file-pending">{t('file.sending', { name: item.fileName ?? '' })}</span>;
  } else {
    const text = 'text' in body && typeof body.text === 'string' ? body.text : '';
    content = (
      <p className="msg-text">
        {linkify(text).map((s, i) =>
          s.href ? (
            <a key={i} href={s.href} target="_blank" rel="noopener noreferrer nofollow ugc">
              {s.text}
            </a>
          ) : (
            s.text
          ),
        )}
      </p>
    );
  }
  return (
    <div className={`row msg ${own ? 'own' : 'other'} ${head ? 'head' : 'cont'} ${pending ? 'pending' : ''} ${editing ? 'editing' : ''}`} data-kind={kind} data-from={from} data-seq={stored?.seq}>
      {!own && (head ? <span className="avatar" aria-hidden="true" style={{ '--hue': nameHue(from) } as React.CSSProperties}>{initial(from)}</span> : <span className="avatar-gap" />)}
      <div className="bubble-col">
        {head && (
          <div className="meta">
            {!own &&
              (openConv ? (
                <button type="button" className="from link-button" title={t('people.openChat', { user: from })} onClick={() => openConv(`@${from}`)}>
                  {from}
                </button>
              ) : (
                <span className="from">{from}</span>
              ))}
            <time dateTime={new Date(ts).toISOString()}>{messageTime(ts, i18n.language)}</time>
            {pending && <span className="sending">{t('chat.sending')}</span>}
          </div>
        )}
        <div className="bubble-line">
          <div className={`bubble ${kind}`} title={head ? undefined : new Date(ts).toLocaleString(i18n.language)} tabIndex={stored && api ? -1 : undefined}>
            {content}
            {stored?.edited_ts !== undefined && !stored.deleted && !editing && (
              <span className="edited" title={new Date(stored.edited_ts).toLocaleString(i18n.language)}>
                {t('msg.edited')}
              </span>
            )}
          </div>
          {stored && !editing && <MessageActions m={stored} onEdit={() => setEditing(true)} />}
        </div>
        {stored && !stored.deleted && <Reactions m={stored} />}
      </div>
    </div>
  );
}
