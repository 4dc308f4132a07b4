/**
 * Text from other users made safe to print on one terminal row: line breaks become `newline`,
 * tabs stay, and every other control character is shown as \xHH, so no escape sequence another
 * user (or an older or hostile server) sent can move the cursor, retitle or clear the terminal.
 */
export function printable(text: string, newline = '\\n'): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n|[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n' || c === '\r\n' ? newline : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
