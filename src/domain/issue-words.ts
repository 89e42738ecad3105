import type { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';

/**
 * Validation problems in words a person reads ("must be true or false", "must be at most 1"), instead of the
 * validator's own text ("Too big: expected number to be <=1"). A message a schema wrote itself is kept as it is.
 */

type Issue = z.core.$ZodIssue;

const DEFAULT_TEXT =
  /^(Invalid input|Invalid option|Invalid (email|URL|UUID|GUID|string)|Too big|Too small|Unrecognized key)/;

function list(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

function typeWords(expected: string): string {
  switch (expected) {
    case 'boolean':
      return 'must be true or false';
    case 'number':
      return 'must be a number';
    case 'int':
      return 'must be a whole number';
    case 'string':
      return 'must be text (in double quotes)';
    case 'array':
      return 'must be a list ([…])';
    case 'object':
      return 'must be an object ({…})';
    default:
      return `must be ${expected}`;
  }
}

/** The words for one issue; `keysAt` names the keys allowed where an unknown key was found (for "did you mean"). */
export function issueInWords(
  issue: Issue,
  keysAt: (path: readonly PropertyKey[]) => readonly string[] = () => [],
): string {
  if (!DEFAULT_TEXT.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.endsWith('received undefined') ? 'is missing' : typeWords(issue.expected);
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array') return `must have at most ${max} item${max === '1' ? '' : 's'}`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') return min === '1' ? 'must not be empty' : `must be at least ${min} characters`;
      if (issue.origin === 'array') return min === '1' ? 'needs at least one item' : `needs at least ${min} items`;
      return issue.inclusive ? `must be at least ${min}` : `must be more than ${min}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${list(issue.values)}` : `must be one of ${list(issue.values)}`;
    case 'invalid_format':
      if (issue.format === 'email') return 'must be an email address, such as name@example.com';
      if (issue.format === 'url') return 'must be a web address, such as https://example.com';
      if (issue.format === 'uuid' || issue.format === 'guid') return 'must be a GUID';
      return 'is not written the way it should be';
    case 'unrecognized_keys': {
      const known = keysAt(issue.path);
      return issue.keys
        .map((key) => {
          const guess = didYouMean(key, known);
          return `"${key}" is not a key here${guess === null ? '' : ` (did you mean "${guess}"?)`}`;
        })
        .join('; ');
    }
    default:
      return issue.message;
  }
}

/** The keys an object schema allows at `path` (through optional, default and nullable wrappers). */
export function schemaKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  type Node = { def?: { innerType?: Node; shape?: Record<string, Node>; element?: Node } } | undefined;
  const unwrap = (node: Node): Node => {
    let current = node;
    while (current?.def?.innerType !== undefined) current = current.def.innerType;
    return current;
  };
  let node = unwrap(schema as Node);
  for (const step of path) {
    const def = node?.def;
    node = unwrap(typeof step === 'number' ? def?.element : def?.shape?.[String(step)]);
  }
  return Object.keys(node?.def?.shape ?? {});
}
