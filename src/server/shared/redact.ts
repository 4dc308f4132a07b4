/**
 * Text with the password of every URL in it as ***: a connection string (postgres://, redis://)
 * for a message or a log line, or a longer text quoting one (a setting's JSON value).
 */
export function redact(text: string): string {
  return text.replace(/(\/\/[^/:@\s"]*:)[^@/\s"]*@/g, '$1***@');
}
