import TextInput from 'ink-text-input';
import { useEffect, useRef } from 'react';

interface Props {
  value: string;
  onChange: (value: string) => void;
  onSubmit: (value: string) => void;
  focus: boolean;
  mask?: string;
}

/**
 * A one-line text field. Pasted text (or keys typed faster than the terminal reports them) can
 * arrive as one chunk with a newline inside: the newline then submits instead of being inserted,
 * and other control characters are dropped so they cannot move the cursor and garble the screen.
 */
export function LineInput({ value, onChange, onSubmit, focus, mask }: Props) {
  // Submit with the handler of the next render, which sees the value just set.
  const latest = useRef(onSubmit);
  useEffect(() => {
    latest.current = onSubmit;
  });
  const change = (next: string): void => {
    const cut = next.search(/[\r\n]/);
    // eslint-disable-next-line no-control-regex
    const clean = (cut === -1 ? next : next.slice(0, cut)).replace(/[\u0000-\u001f\u007f]/g, '');
    onChange(clean);
    if (cut !== -1) setTimeout(() => latest.current(clean), 0);
  };
  return <TextInput value={value} mask={mask} focus={focus} onChange={change} onSubmit={onSubmit} />;
}
