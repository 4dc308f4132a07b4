import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Inline editing of a message's text: Enter saves, Shift+Enter breaks the line, Esc cancels. */
export function MessageEditor({ initial, onSave, onCancel }: { initial: string; onSave: (text: string) => Promise<void>; onCancel: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    const next = text.trim();
    if (!next || next === initial) return onCancel();
    setBusy(true);
    try {
      await onSave(next);
      onCancel();
    } catch {
      setBusy(false); // the refusal is shown; the text stays for another try
    }
  };
  return (
    <div className="msg-editor">
      <textarea
        aria-label={t('msg.editLabel')}
        value={text}
        autoFocus
        disabled={busy}
        rows={Math.min(6, text.split('\n').length)}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onCancel();
          } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void save();
          }
        }}
      />
      <span className="msg-editor-hint">{t('msg.editHint')}</span>
    </div>
  );
}
