import { applyEdits, modify, parse, printParseErrorCode, visit, type JSONPath } from 'jsonc-parser';

/**
 * JSON files people edit (the config file, seed files), read and edited with `jsonc-parser`: comments allowed, a
 * mistake reported by line and column with the line itself, and a single string value changed in place, keeping
 * every comment and the layout.
 */

class JsonTextError extends Error {
  readonly code = 'Validation';
  constructor(
    readonly source: string,
    readonly line: number,
    readonly column: number,
    what: string,
    lineText: string,
  ) {
    super(
      `${source} is not valid JSON: ${what} at line ${line}, column ${column}:\n  ${lineText}\n  ${' '.repeat(Math.max(0, column - 1))}^`,
    );
    this.name = 'JsonTextError';
  }
}

function lineAndColumn(text: string, position: number): { line: number; column: number; lineText: string } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const start = before.lastIndexOf('\n') + 1;
  const end = text.indexOf('\n', start);
  return {
    line,
    column: position - start + 1,
    lineText: text.slice(start, end === -1 ? undefined : end).replace(/\r$/, ''),
  };
}

const ENDS_EARLY = 'the file ends too early (a missing } or ])';

interface Mistake {
  /** the parser's name for it (its codes are a const enum, which this build cannot read) */
  readonly error: string;
  readonly offset: number;
  readonly length: number;
  /** the container the mistake is in, if any */
  readonly inside: '{' | '[' | null;
}

/** The first mistake in the text, with the container it is in (the parser's codes say what, not where). */
function firstMistake(text: string): Mistake | null {
  const open: ('{' | '[')[] = [];
  let first: Mistake | null = null;
  visit(
    text,
    {
      onObjectBegin: () => void open.push('{'),
      onObjectEnd: () => void open.pop(),
      onArrayBegin: () => void open.push('['),
      onArrayEnd: () => void open.pop(),
      onError: (error, offset, length) => {
        first ??= { error: printParseErrorCode(error), offset, length, inside: open.at(-1) ?? null };
      },
    },
    { allowTrailingComma: false, disallowComments: false, allowEmptyContent: false },
  );
  return first;
}

/** The last character before `offset` that is not blank, skipping nothing else (comments are rare there). */
function charBefore(text: string, offset: number): string | undefined {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return text[i];
}

/** A mistake in words a person editing the file understands (the parser's own codes are terse). */
function describe(text: string, mistake: Mistake): { what: string; at: number } {
  const { error, offset, inside } = mistake;
  const at = text[offset];
  const atEnd = text.slice(offset).trim() === '';
  const trailingComma = (at === '}' || at === ']') && charBefore(text, offset) === ',';
  const say = (what: string, where = offset) => ({ what, at: where });
  switch (error) {
    case 'CommaExpected':
      return say(inside === '[' ? 'a comma is missing between two list items' : 'a comma is missing after a value');
    case 'ColonExpected':
      return say('a colon (:) is missing after the key');
    case 'EndOfFileExpected':
      return say('text after the end of the JSON (a } or ] too many?)');
    case 'UnexpectedEndOfString':
      return say('a string is not closed: a " is missing');
    case 'InvalidCharacter': {
      // The parser points at the string; the person needs the character itself.
      const inString = text
        .slice(offset, offset + mistake.length)
        .split('')
        .findIndex((c) => c < ' ');
      return say('a line break or tab inside a string (write \\n or \\t)', offset + Math.max(0, inString));
    }
    case 'UnexpectedEndOfComment':
      return say('a comment is not closed: a */ is missing');
    case 'InvalidEscapeCharacter':
    case 'InvalidUnicode':
      return say('a backslash in a string starts an escape JSON does not know (write \\\\ for a backslash)');
    case 'InvalidNumberFormat':
      return say('a number is not written the JSON way');
    case 'PropertyNameExpected':
    case 'ValueExpected':
    case 'InvalidSymbol':
    case 'CloseBraceExpected':
    case 'CloseBracketExpected':
    case 'InvalidCommentToken':
      if (atEnd) return say(ENDS_EARLY);
      if (trailingComma) return say(`a comma before ${at} is one too many`);
      if (at === "'") return say('text must be in double quotes, not single ones');
      if (inside === '{' && (error === 'PropertyNameExpected' || ['{', ','].includes(charBefore(text, offset) ?? '')))
        return say('a key must be in double quotes');
      if (error === 'CloseBraceExpected') return say('a comma is missing after a value');
      if (error === 'CloseBracketExpected') return say('a comma is missing between two list items');
      return say(`${JSON.stringify(at)} cannot start a value`);
    default:
      return say(error);
  }
}

export function parseJsonText(text: string, source: string): unknown {
  const mistake = firstMistake(text);
  if (mistake === null) return parse(text, [], { disallowComments: false, allowTrailingComma: false });
  const { what, at } = describe(text, mistake);
  // A text that ends too early is shown at its last character.
  const end = text.trimEnd().length;
  const where = lineAndColumn(text, at < end ? at : Math.max(0, end - 1));
  throw new JsonTextError(source, where.line, where.column, what, where.lineText);
}

/** The path in the parser's terms: a step into a list is an index, or the name of one of its named objects. */
function pathIn(value: unknown, path: readonly string[]): JSONPath | null {
  const steps: JSONPath = [];
  let here = value;
  for (const step of path.slice(0, -1)) {
    if (Array.isArray(here)) {
      const byName = here.findIndex((item) => (item as { name?: unknown } | null)?.name === step);
      const index = byName >= 0 ? byName : /^\d+$/.test(step) ? Number(step) : -1;
      if (index < 0 || index >= here.length) return null;
      steps.push(index);
      here = here[index];
    } else if (typeof here === 'object' && here !== null && step in here) {
      steps.push(step);
      here = (here as Record<string, unknown>)[step];
    } else return null;
  }
  if (typeof here !== 'object' || here === null || Array.isArray(here)) return null;
  return [...steps, path.at(-1)!];
}

/**
 * The text with the string at `path` set to `value`: replaced where it is, or added to the object that should hold
 * it. Null when that object is not in the file.
 */
export function setJsonString(text: string, path: readonly string[], value: string): string | null {
  const steps = pathIn(parse(text), path);
  if (steps === null) return null;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return applyEdits(text, modify(text, steps, value, { formattingOptions: { insertSpaces: true, tabSize: 2, eol } }));
}
