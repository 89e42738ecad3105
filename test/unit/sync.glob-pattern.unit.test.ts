import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/domain/settings.ts';
import { compileGlob } from '../../src/sync/glob-pattern.ts';
import { createScopeFilter } from '../../src/sync/scope.ts';
import { graphUser } from '../support/builders.ts';

/** The meaning of a glob, as a regular expression: the reference the matcher is checked against. */
function reference(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's');
}

/** A text that counts how many of its characters the matcher reads. */
function countingText(value: string): { text: string; reads: () => number } {
  let reads = 0;
  const text = Object.assign(new String(value), {
    charCodeAt(index: number) {
      reads++;
      return value.charCodeAt(index);
    },
  });
  return { text: text as unknown as string, reads: () => reads };
}

const EVIL = '*a*a*a*a*a*a*a*a*b';
const UPN = `${'a'.repeat(32)}@contoso.com`; // 44 characters, no b

describe('glob patterns', () => {
  it.each([
    ['admin*', 'admin.jane@contoso.com', true],
    ['admin*', 'jane.admin@contoso.com', false],
    ['*@contoso.com', 'jane@contoso.com', true],
    ['*@contoso.com', 'jane@contoso.com.evil', false],
    ['breakglass?@*', 'breakglass1@contoso.com', true],
    ['breakglass?@*', 'breakglass@contoso.com', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'acb', false],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a.b', 'aXb', false],
    ['?', 'ab', false],
    ['**a**', 'bab', true],
    ['*ab', 'aab', true],
  ])('%j on %j is %s', (pattern, text, expected) => {
    expect(compileGlob(pattern)(text)).toBe(expected);
  });

  it('agrees with the regular expression it stands for, on any pattern and text', () => {
    const pattern = fc.string({ unit: fc.constantFrom('a', 'b', '.', '@', '*', '?', '\\', '('), maxLength: 10 });
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '.', '@', '\\', '(', '\n'), maxLength: 14 });
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        expect(compileGlob(p)(t)).toBe(reference(p).test(t));
      }),
      { numRuns: 20_000 },
    );
  });

  it(`reads at most pattern × text characters: ${EVIL} on a 44-character UPN`, () => {
    const { text, reads } = countingText(UPN);
    expect(compileGlob(EVIL)(text)).toBe(false);
    expect(reads()).toBeLessThanOrEqual(EVIL.length * UPN.length);
    const matching = countingText(`${UPN}b`);
    expect(compileGlob(EVIL)(matching.text)).toBe(true);
    expect(matching.reads()).toBeLessThanOrEqual(EVIL.length * (UPN.length + 1));
  });

  it('lets the scope answer at once for such a pattern, where a regular expression took seconds', () => {
    const settings = resolveSettings({ scope: { excludeUpnPatterns: [EVIL, 'admin*'] } }).scope;
    const filter = createScopeFilter({ settings, groupMemberIds: null });
    const started = performance.now();
    const verdict = filter(graphUser('1', { userPrincipalName: UPN }));
    // A generous bound: the regular expression took 17 s for this one user.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(verdict).toEqual({ inScope: true });
    expect(filter(graphUser('2', { userPrincipalName: `${'a'.repeat(40)}@lab` }))).toEqual({
      inScope: false,
      reasons: [expect.objectContaining({ code: 'excluded-pattern', message: expect.stringContaining(EVIL) })],
    });
  });
});
