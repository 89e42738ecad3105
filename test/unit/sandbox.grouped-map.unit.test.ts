import { describe, expect, it } from 'vitest';
import { GroupedMap } from '../../src/sandbox/sim-server.ts';

describe('the simulators’ contacts by organization', () => {
  it('lists a group as the map holds it: a contact moved, replaced or deleted leaves its old group', () => {
    const contacts = new GroupedMap<number, { id: number; org: string; name: string }, string>((c) => c.org);
    contacts.set(1, { id: 1, org: 'a', name: 'Ann' });
    contacts.set(2, { id: 2, org: 'a', name: 'Bob' });
    contacts.set(3, { id: 3, org: 'b', name: 'Cy' });
    contacts.set(2, { id: 2, org: 'b', name: 'Bob' });
    contacts.set(1, { id: 1, org: 'a', name: 'Anne' });
    contacts.delete(3);
    expect(contacts.group('a')).toEqual([{ id: 1, org: 'a', name: 'Anne' }]);
    expect(contacts.group('b')).toEqual([{ id: 2, org: 'b', name: 'Bob' }]);
    expect(contacts.group('c')).toEqual([]);
    expect([...contacts.values()].map((c) => c.id).sort()).toEqual([1, 2]);
    contacts.clear();
    expect(contacts.group('b')).toEqual([]);
  });
});
