import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { LineInput } from './line-input.js';

export interface Field {
  label: string;
  value: string;
  secret?: boolean;
}

interface FormProps {
  title: string;
  fields: Field[];
  onChange: (index: number, value: string) => void;
  onSubmit: () => void;
  busy: boolean;
  error?: string;
  hint: string;
  onKey?: (input: string, key: { ctrl: boolean; escape: boolean }) => void;
}

/** A small form: ↑/↓ or Tab move between fields, Enter on the last one submits. */
export function Form({ title, fields, onChange, onSubmit, busy, error, hint, onKey }: FormProps) {
  const [focus, setFocus] = useState(fields.findIndex((f) => f.value === '') === -1 ? fields.length - 1 : fields.findIndex((f) => f.value === ''));
  useInput((input, key) => {
    if (key.upArrow || (key.tab && key.shift)) setFocus((f) => Math.max(0, f - 1));
    else if (key.downArrow || key.tab) setFocus((f) => Math.min(fields.length - 1, f + 1));
    onKey?.(input, key);
  });
  const width = Math.max(...fields.map((f) => f.label.length)) + 2;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} width={64}>
      <Text bold color="cyan">
        {title}
      </Text>
      <Text> </Text>
      {fields.map((f, i) => (
        <Box key={f.label}>
          <Box width={width}>
            <Text color={i === focus ? 'cyan' : undefined}>{f.label}</Text>
          </Box>
          <LineInput
            value={f.value}
            mask={f.secret ? '•' : undefined}
            focus={i === focus && !busy}
            onChange={(v) => onChange(i, v)}
            onSubmit={() => (i < fields.length - 1 ? setFocus(i + 1) : onSubmit())}
          />
        </Box>
      ))}
      <Text> </Text>
      {busy ? <Text color="yellow">…</Text> : error ? <Text color="red">✗ {error}</Text> : <Text dimColor>{hint}</Text>}
    </Box>
  );
}
