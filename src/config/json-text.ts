/**
 * JSON files people edit (the config file, seed files): `//` comment lines allowed, a mistake reported by line and
 * column with the line itself, and a single string value changed in place, keeping every comment and the layout.
 */

export class JsonTextError extends Error {
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

/** The text with each `//` comment line blanked (same length), so that positions still point into the file. */
function withoutComments(text: string): string {
  return text.replace(/^[ \t]*\/\/[^\n]*/gm, (line) => ' '.repeat(line.length));
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

/** Where the first mistake of a text JSON.parse refused is, and what it is in words (engines differ in theirs). */
function firstMistake(src: string): { at: number; what: string } {
  let i = 0;
  const fail = (what: string): never => {
    throw { at: i, what };
  };
  const space = () => {
    while (i < src.length && ' \t\n\r'.includes(src[i]!)) i++;
  };
  const string = () => {
    i++;
    while (i < src.length && src[i] !== '"') {
      if (src[i] === '\\') i += 2;
      else if (src[i]! < ' ') fail('a line break or tab inside a string (write \\n or \\t)');
      else i++;
    }
    if (i >= src.length) fail('a string is not closed: a " is missing');
    i++;
  };
  const list = (close: string, item: () => void, missingComma: string) => {
    i++;
    space();
    if (src[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (i >= src.length) fail(ENDS_EARLY);
      if (src[i] === close) {
        i++;
        return;
      }
      if (src[i] !== ',') fail(missingComma);
      i++;
      space();
      if (src[i] === close) fail(`a comma before ${close} is one too many`);
    }
  };
  const value = (): void => {
    space();
    const c = src[i];
    if (c === undefined) fail(ENDS_EARLY);
    else if (c === '{')
      list(
        '}',
        () => {
          space();
          if (i >= src.length) fail(ENDS_EARLY);
          if (src[i] !== '"') fail('a key must be in double quotes');
          string();
          space();
          if (src[i] !== ':') fail('a colon (:) is missing after the key');
          i++;
          value();
        },
        'a comma is missing after a value',
      );
    else if (c === '[') list(']', value, 'a comma is missing between two list items');
    else if (c === '"') string();
    else {
      const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
      literal.lastIndex = i;
      if (literal.exec(src) === null)
        fail(
          c === "'" ? 'text must be in double quotes, not single ones' : `${JSON.stringify(c)} cannot start a value`,
        );
      i = literal.lastIndex;
    }
  };
  try {
    value();
    space();
    if (i < src.length) fail('text after the end of the JSON (a } or ] too many?)');
  } catch (mistake) {
    if (typeof mistake === 'object' && mistake !== null && 'at' in mistake)
      return mistake as { at: number; what: string };
    throw mistake;
  }
  return { at: 0, what: 'not valid JSON' };
}

export function parseJsonText(text: string, source: string): unknown {
  const plain = withoutComments(text);
  try {
    return JSON.parse(plain);
  } catch {
    const mistake = firstMistake(plain);
    // A text that ends too early is shown at its last character.
    const end = plain.trimEnd().length;
    const where = lineAndColumn(text, mistake.at < end ? mistake.at : Math.max(0, end - 1));
    throw new JsonTextError(source, where.line, where.column, mistake.what, where.lineText);
  }
}

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Where the value at `path` lies in the text, and where the object holding it opens and closes. */
function locate(
  text: string,
  path: readonly string[],
): { value: Span | null; parent: Span & { empty: boolean } } | null {
  const src = withoutComments(text);
  let i = 0;
  const space = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(src.slice(start, i)) as string;
  };
  const skipValue = (): void => {
    space();
    const c = src[i];
    if (c === '"') string();
    else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      while (src[i] !== close) {
        if (c === '{') {
          space();
          string();
          space();
          i++; // the colon
        }
        skipValue();
        space();
        if (src[i] === ',') i++;
        space();
      }
      i++;
    } else while (i < src.length && !/[\s,}\]]/.test(src[i]!)) i++;
  };
  // Descends the objects of the path; an array step is an index or, for a list of named objects, a name.
  const descend = (depth: number): ReturnType<typeof locate> => {
    space();
    const open = src[i];
    if (open !== '{' && open !== '[') return null;
    const containerStart = i;
    i++;
    let index = 0;
    space();
    const empty = src[i] === (open === '{' ? '}' : ']');
    while (i < src.length && src[i] !== (open === '{' ? '}' : ']')) {
      let key: string;
      if (open === '{') {
        space();
        key = string();
        space();
        i++;
        space();
      } else {
        key = String(index);
        space();
        const valueStart = i;
        skipValue();
        const end = i;
        i = valueStart;
        const item = JSON.parse(src.slice(valueStart, end)) as { name?: unknown };
        if (typeof item === 'object' && item !== null && item.name === path[depth]) key = path[depth]!;
      }
      space();
      if (key === path[depth]) {
        if (depth === path.length - 1) {
          const start = i;
          skipValue();
          return { value: { start, end: i }, parent: { start: containerStart, end: -1, empty } };
        }
        return descend(depth + 1);
      }
      skipValue();
      space();
      if (src[i] === ',') i++;
      space();
      index++;
    }
    if (depth === path.length - 1 && open === '{')
      return { value: null, parent: { start: containerStart, end: i, empty } };
    return null;
  };
  return descend(0);
}

/**
 * The text with the string at `path` set to `value`: replaced where it is, or added to the object that should hold
 * it. Null when that object is not in the file.
 */
export function setJsonString(text: string, path: readonly string[], value: string): string | null {
  const found = locate(text, path);
  if (found === null) return null;
  const encoded = JSON.stringify(value);
  if (found.value !== null) return text.slice(0, found.value.start) + encoded + text.slice(found.value.end);
  const at = found.parent.start + 1;
  const entry = `${JSON.stringify(path.at(-1))}: ${encoded}${found.parent.empty ? '' : ', '}`;
  return text.slice(0, at) + entry + text.slice(at);
}
