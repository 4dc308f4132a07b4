import { Text, useInput } from 'ink';
import { useEffect, useRef, useState } from 'react';

interface Props {
  value: string;
  onChange: (value: string) => void;
  onSubmit: (value: string) => void;
  focus: boolean;
  mask?: string;
  /** Tab: gets the line and the cursor (code points) and may replace both, now or later. */
  onTab?: (value: string, cursor: number, replace: (value: string, cursor: number) => void) => void;
}

/**
 * A one-line text field (← → Home End, Backspace, Ctrl-U clears to the start). Control keys belong to the screen
 * (Ctrl-R, Tab, PgUp...) and are never inserted; Tab goes to `onTab` when there is one (completion).
 * Pasted text, or keys typed faster than the terminal reports them, can arrive as one chunk with a
 * newline inside: the newline submits.
 */
export function LineInput({ value, onChange, onSubmit, focus, mask, onTab }: Props) {
  const [cursor, setCursor] = useState(value.length);
  const latest = useRef({ value, onSubmit });
  latest.current = { value, onSubmit };
  const at = Math.min(cursor, [...value].length);

  useEffect(() => setCursor((c) => Math.min(c, [...value].length)), [value]);

  useInput(
    (input, key) => {
      const chars = [...latest.current.value];
      if (key.return) return latest.current.onSubmit(latest.current.value);
      if (key.tab && onTab)
        return onTab(latest.current.value, at, (next, cursor) => {
          setCursor(cursor);
          change(next);
        });
      if (key.leftArrow) return setCursor(Math.max(0, at - 1));
      if (key.rightArrow) return setCursor(Math.min(chars.length, at + 1));
      if (key.home || (key.ctrl && input === 'a')) return setCursor(0);
      if (key.end || (key.ctrl && input === 'e')) return setCursor(chars.length);
      if (key.ctrl && input === 'u') {
        setCursor(0);
        return change(chars.slice(at).join(''));
      }
      if (key.backspace || key.delete) {
        // Most terminals send DEL for Backspace, which Ink reports as `delete`.
        if (at === 0) return;
        chars.splice(at - 1, 1);
        setCursor(at - 1);
        return change(chars.join(''));
      }
      if (key.ctrl || key.meta || key.tab || key.escape || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return;
      const cut = input.search(/[\r\n]/);
      // eslint-disable-next-line no-control-regex
      const text = (cut === -1 ? input : input.slice(0, cut)).replace(/[\u0000-\u001f\u007f]/g, '');
      const inserted = [...text];
      chars.splice(at, 0, ...inserted);
      setCursor(at + inserted.length);
      const next = chars.join('');
      change(next);
      if (cut !== -1) latest.current.onSubmit(next);
    },
    { isActive: focus },
  );

  function change(next: string): void {
    latest.current.value = next;
    onChange(next);
  }

  const shown = [...(mask ? mask.repeat([...value].length) : value)];
  if (!focus) return <Text>{shown.join('')}</Text>;
  return (
    <Text>
      {shown.slice(0, at).join('')}
      <Text inverse>{shown[at] ?? ' '}</Text>
      {shown.slice(at + 1).join('')}
    </Text>
  );
}
