/**
 * ConnectWise's `conditions` language, as the simulator reads it (CONTRACTS.md; ConnectWise's developer guide
 * "Conditions"): comparisons of a field path (`company/id`, `communicationItems/value`) with a value, joined by `and` /
 * `or` (any case) and grouped by parentheses. Strings are quoted, double or single (public clients send both; a `\`
 * escapes the next character), and compared without regard to case, as ConnectWise's database does; `like` takes `%`
 * or `*` as wildcards; `in` takes a parenthesized list; `true`, `false`, `null` and numbers are bare; a date is
 * `[2024-01-01T00:00:00Z]`.
 */

export class ConditionError extends Error {}

type Value = string | number | boolean | null;
type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'like' | 'not like' | 'in' | 'not in';

export type Condition =
  | {
      readonly kind: 'compare';
      readonly path: readonly string[];
      readonly op: Operator;
      readonly value: Value | readonly Value[];
    }
  | { readonly kind: 'and' | 'or'; readonly items: readonly Condition[] };

type Token =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'date'; readonly text: string }
  | { readonly kind: 'symbol'; readonly text: string };

function tokens(source: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let text = '';
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\') i++;
        text += source[i] ?? '';
        i++;
      }
      if (i >= source.length) throw new ConditionError(`An unterminated string in the conditions: ${source}`);
      i++;
      out.push({ kind: 'string', text });
    } else if (c === '[') {
      const end = source.indexOf(']', i);
      if (end < 0) throw new ConditionError(`An unterminated date in the conditions: ${source}`);
      out.push({ kind: 'date', text: source.slice(i + 1, end) });
      i = end + 1;
    } else if ('()=,'.includes(c)) {
      out.push({ kind: 'symbol', text: c });
      i++;
    } else if ('!<>'.includes(c)) {
      const two = source.slice(i, i + 2);
      const text = two === '!=' || two === '<=' || two === '>=' ? two : c;
      if (text === '!') throw new ConditionError(`Unexpected "!" in the conditions: ${source}`);
      out.push({ kind: 'symbol', text });
      i += text.length;
    } else {
      const match = /^[A-Za-z0-9_./@+-]+/.exec(source.slice(i));
      if (match === null) throw new ConditionError(`Unexpected "${c}" in the conditions: ${source}`);
      out.push({ kind: 'word', text: match[0] });
      i += match[0].length;
    }
  }
  return out;
}

class Parser {
  private at = 0;
  constructor(
    private readonly list: readonly Token[],
    private readonly source: string,
  ) {}

  parse(): Condition {
    const condition = this.or();
    if (this.at < this.list.length) this.fail(`unexpected "${this.list[this.at]!.text}"`);
    return condition;
  }

  private fail(what: string): never {
    throw new ConditionError(`The conditions cannot be read (${what}): ${this.source}`);
  }

  private peekWord(): string | null {
    const token = this.list[this.at];
    return token?.kind === 'word' ? token.text.toLowerCase() : null;
  }

  private or(): Condition {
    const items = [this.and()];
    while (this.peekWord() === 'or') {
      this.at++;
      items.push(this.and());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private and(): Condition {
    const items = [this.primary()];
    while (this.peekWord() === 'and') {
      this.at++;
      items.push(this.primary());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private primary(): Condition {
    const token = this.list[this.at];
    if (token?.kind === 'symbol' && token.text === '(') {
      this.at++;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (token?.kind !== 'word' || /^[0-9]/.test(token.text)) this.fail('a field name expected');
    this.at++;
    const path = token.text.split('/');
    const op = this.operator();
    const value = op === 'in' || op === 'not in' ? this.valueList() : this.value();
    return { kind: 'compare', path, op, value };
  }

  private expect(symbol: string): void {
    const token = this.list[this.at];
    if (token?.kind !== 'symbol' || token.text !== symbol) this.fail(`"${symbol}" expected`);
    this.at++;
  }

  private operator(): Operator {
    const token = this.list[this.at];
    if (token === undefined) this.fail('an operator expected');
    this.at++;
    if (token.kind === 'symbol' && ['=', '!=', '<', '<=', '>', '>='].includes(token.text))
      return token.text as Operator;
    const word = token.kind === 'word' ? token.text.toLowerCase() : '';
    if (word === 'contains' || word === 'like' || word === 'in') return word;
    if (word === 'not') {
      const next = this.peekWord();
      if (next === 'like' || next === 'in') {
        this.at++;
        return `not ${next}`;
      }
    }
    return this.fail(`"${token.text}" is not an operator`);
  }

  private valueList(): Value[] {
    this.expect('(');
    const values = [this.value()];
    while (this.list[this.at]?.text === ',') {
      this.at++;
      values.push(this.value());
    }
    this.expect(')');
    return values;
  }

  private value(): Value {
    const token = this.list[this.at];
    if (token === undefined) return this.fail('a value expected');
    this.at++;
    if (token.kind === 'string') return token.text;
    if (token.kind === 'date') {
      const time = Date.parse(token.text);
      if (Number.isNaN(time)) this.fail(`[${token.text}] is not a date`);
      return time;
    }
    if (token.kind === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true' || word === 'false') return word === 'true';
      if (word === 'null') return null;
      if (/^-?[0-9]+(\.[0-9]+)?$/.test(token.text)) return Number(token.text);
    }
    // ConnectWise refuses a bare word where a value belongs: a string must be quoted.
    return this.fail(`${token.text} is not a value (strings are quoted)`);
  }
}

export function parseConditions(source: string): Condition {
  return new Parser(tokens(source), source).parse();
}

/** The field paths a condition names, for checking them against what a resource has. */
export function pathsOf(condition: Condition): (readonly string[])[] {
  return condition.kind === 'compare' ? [condition.path] : condition.items.flatMap(pathsOf);
}

function valueAt(record: unknown, path: readonly string[]): unknown {
  let value = record;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return null;
    const entry = Object.entries(value).find(([name]) => name.toLowerCase() === key.toLowerCase());
    value = entry?.[1];
  }
  return value ?? null;
}

const fold = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

function likePattern(pattern: string): RegExp {
  const source = pattern
    .toLowerCase()
    .split('')
    .map((c) => (c === '%' || c === '*' ? '.*' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's');
}

function compare(actual: unknown, op: Operator, expected: Value | readonly Value[]): boolean {
  const a = fold(actual);
  if (Array.isArray(expected)) {
    const found = expected.some((v) => fold(v) === a);
    return op === 'in' ? found : !found;
  }
  const e = fold(expected);
  switch (op) {
    case '=':
      return a === e;
    case '!=':
      return a !== e;
    case 'contains':
      return typeof a === 'string' && typeof e === 'string' && a.includes(e);
    case 'like':
    case 'not like': {
      const matched = typeof a === 'string' && typeof e === 'string' && likePattern(e).test(a);
      return op === 'like' ? matched : !matched;
    }
    default: {
      if (a === null || e === null || typeof a !== typeof e) return false;
      const [x, y] = [a as number | string, e as number | string];
      return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
    }
  }
}

/** Whether a record (in its wire shape) satisfies the condition. */
export function satisfies(record: unknown, condition: Condition): boolean {
  if (condition.kind !== 'compare')
    return condition.kind === 'and'
      ? condition.items.every((c) => satisfies(record, c))
      : condition.items.some((c) => satisfies(record, c));
  return compare(valueAt(record, condition.path), condition.op, condition.value);
}
