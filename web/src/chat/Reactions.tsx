import { useContext } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '../../../src/protocol/messages.js';
import { reactionChips } from '../../../src/client/timeline.js';
import { MessageActionsContext } from './message-actions-context.js';

/** The reactions under a message: one chip per emoji with its count; a click toggles mine. */
export function Reactions({ m }: { m: ChatMessage }) {
  const { t } = useTranslation();
  const api = useContext(MessageActionsContext);
  if (!api) return null;
  const chips = reactionChips(m, api.me);
  if (chips.length === 0) return null;
  return (
    <div className="reactions" data-testid="reactions">
      {chips.map((c) => (
        <button
          key={c.emoji}
          type="button"
          className={`reaction-chip ${c.mine ? 'mine' : ''}`}
          aria-pressed={c.mine}
          title={t('msg.reactedBy', { emoji: c.emoji, users: c.users.join(', ') })}
          data-emoji={c.emoji}
          onClick={() => api.react(m, c.emoji)}
        >
          <span className="reaction-emoji">{c.emoji}</span>
          <span className="reaction-count">{c.count}</span>
        </button>
      ))}
    </div>
  );
}
