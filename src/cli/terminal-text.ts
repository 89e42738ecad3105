import { escapeControlCharacters } from '../normalize/control-characters.ts';

/**
 * What the CLI prints. Names, addresses, reasons and audit entries come from Microsoft 365, the targets and
 * strangers at the sign-in form: a control character in them is shown escaped (`\u001b`), never obeyed by the
 * terminal.
 */

/** A value from outside, on one line: every control character, line breaks included, shown escaped. */
export function printable(value: unknown): string {
  return escapeControlCharacters(String(value));
}

/** Lines of output, each kept on its own line whatever its values hold. */
export function writeLines(lines: readonly string[]): void {
  if (lines.length === 0) return;
  writeOut(`${lines.map(printable).join('\n')}\n`);
}

/** Writes to standard output; whatever reaches it, only its line breaks are obeyed. */
export function writeOut(text: string): void {
  process.stdout.write(escapeControlCharacters(text, true));
}

/** Writes to standard error, as `writeOut`. */
export function writeErr(text: string): void {
  process.stderr.write(escapeControlCharacters(text, true));
}
