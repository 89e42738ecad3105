import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { byCodeUnits, byKey, sortShort } from '../../src/sync/trimmed-list.ts';

// The plan's emails, phones and their descriptions are listed in this order: it must be the built-in sort's.
describe('sortShort', () => {
  it('orders strings as the built-in sort does, short lists and long', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 12 }), (list) => {
        const sorted = sortShort([...list], byCodeUnits);
        expect(sorted).toEqual([...list].sort());
      }),
    );
  });

  it('keeps entries with the same key in the order they came, as the built-in sort does', () => {
    const phones = fc.array(
      fc.record({ key: fc.constantFrom('+1', '+12', '+2', 'a', 'B'), label: fc.string({ maxLength: 2 }) }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(phones, (list) => {
        const sorted = sortShort([...list], byKey);
        const expected = [...list].sort(byKey);
        expect(sorted).toHaveLength(expected.length);
        sorted.forEach((entry, i) => expect(entry).toBe(expected[i]));
      }),
    );
  });

  it('sorts the list it is given and hands it back', () => {
    const list = ['sam@contoso.com', 'ann@contoso.com'];
    expect(sortShort(list, byCodeUnits)).toBe(list);
    expect(list).toEqual(['ann@contoso.com', 'sam@contoso.com']);
  });
});
