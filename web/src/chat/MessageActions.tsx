import { lazy, Suspense, useContext, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '../../../src/protocol/messages.js';
import { Icon } from '../app/icons.js';
import { MessageActionsContext, QUICK_REACTIONS, sameUser } from './message-actions-context.js';

const EmojiPicker = lazy(() => import('../stickers/EmojiPicker.js').then((m) => ({ default: m.EmojiPicker })));

/**
 * The actions on a message, shown while the pointer is over it or the keyboard focus is inside:
 * react (a few emoji, or the picker), edit (own text messages) and delete (own; moderators any).
 */
export function MessageActions({ m, onEdit }: { m: ChatMessage; onEdit: () => void }) {
  const { t } = useTranslation();
  const api = useContext(MessageActionsContext);
  const [open, setOpen] = useState<'none' | 'quick' | 'picker'>('none');
  if (!api || m.deleted) return null;
  const own = sameUser(m.from, api.me);
  const pick = (emoji: string) => {
    setOpen('none');
    api.react(m, emoji);
  };
  return (
    <div className={`msg-actions ${open !== 'none' ? 'open' : ''}`} role="toolbar" aria-label={t('msg.actions')}>
      <button type="button" className="msg-action" aria-label={t('msg.react')} title={t('msg.react')} aria-expanded={open !== 'none'} onClick={() => setOpen(open === 'none' ? 'quick' : 'none')}>
        <Icon name="smile" size={16} />
      </button>
      {own && typeof m.text === 'string' && (
        <button type="button" className="msg-action" aria-label={t('msg.edit')} title={t('msg.edit')} onClick={onEdit}>
          <Icon name="edit" size={16} />
        </button>
      )}
      {(own || api.canModerate) && (
        <button type="button" className="msg-action danger" aria-label={t('msg.delete')} title={t('msg.delete')} onClick={() => api.remove(m)}>
          <Icon name="trash" size={16} />
        </button>
      )}
      {open === 'quick' && (
        <div className="quick-reactions" role="group" aria-label={t('msg.react')} onKeyDown={(e) => e.key === 'Escape' && setOpen('none')}>
          {QUICK_REACTIONS.map((e) => (
            <button key={e} type="button" className="quick-reaction" aria-label={t('msg.reactWith', { emoji: e })} onClick={() => pick(e)}>
              {e}
            </button>
          ))}
          <button type="button" className="quick-reaction more" aria-label={t('msg.moreEmoji')} title={t('msg.moreEmoji')} onClick={() => setOpen('picker')}>
            <Icon name="plus" size={16} />
          </button>
        </div>
      )}
      {open === 'picker' && (
        <Suspense fallback={null}>
          <div className="reaction-picker">
            <EmojiPicker onPick={pick} onClose={() => setOpen('none')} />
          </div>
        </Suspense>
      )}
    </div>
  );
}
