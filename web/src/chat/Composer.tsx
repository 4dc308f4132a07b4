import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_TEXT_CHARS } from '../../../src/protocol/limits.js';
import type { StickerName } from '../../../src/protocol/stickers.js';
import type { FunApi } from '../app/fun-api.js';
import { Icon } from '../app/icons.js';
import { StickerPanel } from '../stickers/StickerPanel.js';

const EmojiPicker = lazy(() => import('../stickers/EmojiPicker.js').then((m) => ({ default: m.EmojiPicker })));
// The fun features (camera, voice, games: web/src/fun, issue #6) load only when the toolbar shows.
const FunBar = lazy(() => import('../fun/index.js').then((m) => ({ default: m.FunBar })));

interface Props {
  conv: string;
  placeholder: string;
  disabled: boolean;
  onSend: (text: string) => Promise<void>;
  onSticker: (name: StickerName) => void;
  onFiles: (files: File[]) => void;
  onTyping: () => void;
  funApi: FunApi;
  /** Text to put back after a refused send (so nothing typed is lost). */
  restore: { text: string; n: number } | undefined;
}

/** The composer: Enter sends, Shift+Enter starts a new line; stickers, emoji, files and the fun bar. */
export function Composer({ conv, placeholder, disabled, onSend, onSticker, onFiles, onTyping, funApi, restore }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [panel, setPanel] = useState<'none' | 'stickers' | 'emoji'>('none');
  const area = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const drafts = useRef(new Map<string, string>());

  // Each conversation keeps its own draft.
  const shown = useRef(conv);
  useEffect(() => {
    drafts.current.set(shown.current, area.current?.value ?? '');
    shown.current = conv;
    setText(drafts.current.get(conv) ?? '');
    setPanel('none');
    area.current?.focus();
  }, [conv]);

  useEffect(() => {
    if (restore && restore.text) setText((now) => (now ? now : restore.text));
  }, [restore]);

  // A click outside the open panel (and its toolbar button) closes it.
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (panel === 'none') return;
    const away = (e: PointerEvent) => {
      const target = e.target as Node;
      const pop = form.current?.querySelector('.popover');
      const tools = form.current?.querySelector('.composer-tools');
      if (pop?.contains(target) || tools?.contains(target)) return;
      setPanel('none');
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [panel]);

  // The box grows with its text, up to a limit (then it scrolls).
  useEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 180)}px`;
  }, [text]);

  const submit = () => {
    const value = text;
    if (!value.trim() || disabled) return;
    setText('');
    setPanel('none');
    void onSend(value).catch(() => undefined); // the store shows the refusal and gives the text back
    area.current?.focus();
  };

  const insert = useCallback((s: string) => {
    const el = area.current;
    if (!el) return setText((v) => v + s);
    const start = el.selectionStart ?? el.value.length;
    const end = el.selectionEnd ?? start;
    const next = el.value.slice(0, start) + s + el.value.slice(end);
    setText(next);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start + s.length, start + s.length);
    });
  }, []);
  const closePanel = useCallback(() => {
    setPanel('none');
    area.current?.focus();
  }, []);

  const tooLong = Array.from(text).length > MAX_TEXT_CHARS;
  return (
    <form
      ref={form}
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {panel === 'stickers' && (
        <StickerPanel
          onPick={(name) => {
            onSticker(name);
            closePanel();
          }}
          onClose={closePanel}
        />
      )}
      {panel === 'emoji' && (
        <Suspense fallback={<div className="popover emoji-popover loading">{t('app.loading')}</div>}>
          <EmojiPicker onPick={insert} onClose={closePanel} />
        </Suspense>
      )}
      <div className="composer-box">
        <textarea
          ref={area}
          value={text}
          rows={1}
          placeholder={placeholder}
          aria-label={placeholder}
          aria-invalid={tooLong}
          disabled={disabled}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value) onTyping();
          }}
          onKeyDown={(e) => {
            // Not while an input method is composing (Chinese, Japanese, ...): its Enter picks a word.
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing && e.keyCode !== 229) {
              e.preventDefault();
              submit();
            }
            if (e.key === 'Escape' && panel !== 'none') closePanel();
          }}
          onPaste={(e) => {
            const files = [...e.clipboardData.files];
            if (files.length) {
              e.preventDefault();
              onFiles(files);
            }
          }}
        />
        <div className="composer-tools" role="toolbar" aria-label={t('composer.tools')}>
          <button type="button" className={`tool ${panel === 'emoji' ? 'active' : ''}`} aria-label={t('composer.emoji')} title={t('composer.emoji')} aria-expanded={panel === 'emoji'} onClick={() => setPanel(panel === 'emoji' ? 'none' : 'emoji')}>
            <Icon name="smile" />
          </button>
          <button type="button" className={`tool ${panel === 'stickers' ? 'active' : ''}`} aria-label={t('composer.stickers')} title={t('composer.stickers')} aria-expanded={panel === 'stickers'} onClick={() => setPanel(panel === 'stickers' ? 'none' : 'stickers')} disabled={disabled}>
            <Icon name="sticker" />
          </button>
          <button type="button" className="tool" aria-label={t('composer.file')} title={t('composer.file')} onClick={() => fileInput.current?.click()} disabled={disabled}>
            <Icon name="clip" />
          </button>
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            data-testid="file-input"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              if (files.length) onFiles(files);
            }}
          />
          <Suspense fallback={null}>
            <FunBar api={funApi} />
          </Suspense>
          <span className="tools-spacer" />
          {tooLong && <span className="too-long" role="status">{t('composer.tooLong', { max: MAX_TEXT_CHARS })}</span>}
          <button type="submit" className="send" disabled={disabled || !text.trim() || tooLong}>
            <Icon name="send" size={18} />
            <span>{t('composer.send')}</span>
          </button>
        </div>
      </div>
    </form>
  );
}
