/**
 * The contract between the chat screen and the fun features (web/src/fun, issue #6).
 *
 * The composer's toolbar renders `<FunBar api={api} />`, imported lazily from web/src/fun/index.tsx
 * (`export function FunBar(props: { api: FunApi }): JSX.Element | null`), so camera, audio and game
 * code loads only when the toolbar first shows. A new `api` object is passed whenever the open
 * conversation changes; keep no conversation of your own.
 *
 * Strings: use `useTranslation()` from react-i18next (the app has initialised i18next with `en`
 * and `zh`); add your own with `i18next.addResourceBundle(lang, 'fun', {...})` and
 * `useTranslation('fun')`. Styles: plain CSS imported from your module, classes prefixed `fun-`.
 * The page's Content-Security-Policy (src/server/transports/web-client-routes.ts) allows blob:
 * and data: pictures, blob: media, blob: workers and WebAssembly; no inline scripts or styles
 * attributes other than React's `style` prop.
 */
export interface FunApi {
  /** The open conversation: "#lobby" or "@name". */
  readonly conv: string;
  /** The logged-in user's display name. */
  readonly me: string;
  /**
   * Uploads a file and sends it to the open conversation, with the composer's progress bar (the
   * user can cancel it there). Resolves once the message is stored; rejects with an Error whose
   * message is meant for people (already shown to the user as a toast).
   * `kind: 'voice'` marks a voice note: the file is renamed `voice-<time>.<ext>` if its name does
   * not already start with `voice-`, and receivers show it with an audio player even when the
   * server sniffs the container as video (WebM). `'image'` and `'file'` change nothing today.
   */
  sendFile(file: File, opts?: { kind?: 'image' | 'voice' | 'file' }): Promise<void>;
  /** Sends a text message to the open conversation; resolves once stored. */
  sendText(text: string): Promise<void>;
  /** The element holding the open conversation (message list and composer), e.g. for a screenshot. */
  chatWindow(): HTMLElement | null;
  /** Shows a short notice at the bottom of the screen. */
  toast(text: string, kind?: 'info' | 'error'): void;
}

/** How a file message is told apart as a voice note (see `sendFile`). */
export function isVoiceNote(name: string, mime: string): boolean {
  if (mime.startsWith('audio/')) return true;
  return /^voice-/i.test(name) && /^(video\/webm|video\/mp4|application\/ogg|video\/ogg)$/.test(mime);
}
