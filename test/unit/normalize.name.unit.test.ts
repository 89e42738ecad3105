import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldName, normalizeName, personNameKey, shownPersonName, splitDisplayName } from '../../src/normalize/name.ts';

describe('normalizeName', () => {
  it('trims, collapses spaces and composes accents', () => {
    expect(normalizeName('  Jose\u0301   de  la Pen\u0303a ')).toBe('José de la Peña');
  });
  it('removes control and bidi-override characters', () => {
    expect(normalizeName('Ann\u0000a\u202e')).toBe('Anna');
  });
  it('reads tabs and line breaks in one line of text as spaces', () => {
    expect(normalizeName('Sales\tManager')).toBe('Sales Manager');
    expect(normalizeName('Head of\r\nSales\n')).toBe('Head of Sales');
    expect(normalizeName('Ann\u2028Marie\u0085Lee')).toBe('Ann Marie Lee');
  });
  it('removes a bell and the escape of an escape sequence, so that no terminal obeys them', () => {
    expect(normalizeName('Chief\u0007 Officer\u001b[31m')).toBe('Chief Officer[31m');
    expect(normalizeName('\u009b2JBoss')).toBe('2JBoss');
  });
  it('composes an accent a control character kept from its letter', () => {
    expect(normalizeName('Jose\u0000\u0301')).toBe('José');
  });
  it('returns null for blank', () => {
    expect(normalizeName(' \t ')).toBeNull();
  });
  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (raw) => {
        const once = normalizeName(raw);
        expect(normalizeName(once)).toBe(once);
      }),
    );
  });
});

describe('foldName and personNameKey', () => {
  it('ignore case, accents and repeated spaces', () => {
    expect(personNameKey('José', 'DE la  Peña')).toBe(personNameKey('jose', 'de la pena'));
    expect(foldName('Zoë')).toBe('zoe');
  });
  it('keep non-Latin names distinct', () => {
    expect(personNameKey('李', '小龙')).not.toBe(personNameKey('李', '大龙'));
  });
  it('have no key without a first name', () => {
    expect(personNameKey(null, 'Smith')).toBeNull();
  });
  it('fold idempotently', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (raw) => {
        expect(foldName(foldName(raw))).toBe(foldName(raw));
      }),
    );
  });
});

describe('splitDisplayName', () => {
  it.each([
    ['Jane Doe', 'Jane', 'Doe'],
    ['Mary Ann Smith', 'Mary Ann', 'Smith'],
    ['Doe, Jane', 'Jane', 'Doe'],
    ['Reception', 'Reception', null],
  ])('%s → %s / %s', (display, first, last) => {
    expect(splitDisplayName(display)).toEqual({ firstName: first, lastName: last });
  });
});

describe('shownPersonName', () => {
  it('shows the display name, else the given name and surname, else nothing', () => {
    expect(shownPersonName({ displayName: ' Nina  New ', givenName: 'N', surname: 'X' })).toBe('Nina New');
    expect(shownPersonName({ displayName: null, givenName: 'Nina', surname: 'New' })).toBe('Nina New');
    expect(shownPersonName({ displayName: '', givenName: 'Nina', surname: null })).toBe('Nina');
    expect(shownPersonName({ displayName: null, givenName: null, surname: null })).toBeNull();
    // Kept as the directory has it: the terminal writer and the page escape what is hostile, and a person sees it.
    expect(shownPersonName({ displayName: 'Eve\u001b[2J', givenName: null, surname: null })).toBe('Eve\u001b[2J');
  });
});
