import { describe, expect, it } from 'vitest';
import { ConnectwisePsa } from '../../src/connectors/connectwise/connectwise-psa.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { useConnectwiseSimulator } from '../support/connectwise-simulator.ts';
import { psaFields as person } from '../support/psa-fields.ts';

/** Names and addresses holding the conditions language's own words and signs reach ConnectWise as values only. */

const start = useConnectwiseSimulator();

const client = (s: RunningSimulators) =>
  new ConnectwisePsa({
    credentials: s.credentials.connectwise,
    baseUrl: `${s.urls.connectwise!}/v4_6_release/apis/3.0/`,
  });

const HOSTILE: readonly [string, string][] = [
  [`O'Brien`, `D'Arcy`],
  [`Say "hi"`, `Back\\slash`],
  [`x" or company/id=2 or "1"="1`, `y`],
  [`a' or lastName like '%`, `[2024-01-01T00:00:00Z]`],
  [`like`, `or`],
  [`(x)`, `in ("a","b")`],
];

describe('ConnectWise conditions built from hostile text', () => {
  it('finds each contact by its exact name and address, and nothing of another company', async () => {
    const s = await start(3);
    const psa = client(s);
    // In the other company, one whose name an injected condition would reach.
    const other = await psa.createContact(2, person('x', 'y', 'x@fabrikam.com'));
    expect(other.ok).toBe(true);
    for (const [i, [first, last]] of HOSTILE.entries()) {
      const email = `o'brien+${i}@contoso.com`;
      const made = await psa.createContact(1, person(first, last, email));
      expect(made, `${first} ${last}`).toMatchObject({ ok: true });
      const byName = await psa.findContactsByName(1, first, last);
      expect(
        byName.map((c) => c.id),
        `${first} ${last}`,
      ).toEqual([made.ok ? made.id : -1]);
      const byEmail = await psa.findContactsByEmail(1, email);
      expect(
        byEmail.map((c) => c.id),
        email,
      ).toEqual([made.ok ? made.id : -1]);
    }
    expect(await psa.findContactsByName(1, `x" or company/id=2 or firstName="x`, `y" or "1"="1`)).toEqual([]);
    expect(await psa.findContactsByEmail(1, `x@fabrikam.com" or communicationItems/value like "%`)).toEqual([]);
  });
});
