import { describe, expect, it } from 'vitest';
import { HaloPsa } from '../../src/connectors/halo/halo-psa.ts';
import type { AttemptLog } from '../../src/connectors/http/http-client.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { contosoAndFabrikam, useSimulators } from '../support/halo-simulator.ts';
import { psaFields } from '../support/psa-fields.ts';

/** Halo changing while contactsync reads and writes it: a list that moves between pages, a token that runs out. */

const startSimulators = useSimulators();

const seed = () => contosoAndFabrikam(150);

const fields = (firstName: string, emailAddress: string, locationId: number) =>
  psaFields(firstName, 'Person', emailAddress, { locationId });

/** A client that, once the first page of users is answered, lets `between` run before its next request. */
function readerWith(sims: RunningSimulators, between: () => Promise<void>): HaloPsa {
  let firstPageRead = false;
  let done = false;
  return new HaloPsa({
    baseUrl: sims.urls.halo!,
    credentials: sims.credentials.halo,
    log: (entry: AttemptLog) => {
      if (entry.method === 'GET' && /\/api\/Users\?.*page_no=1(&|$)/.test(entry.url)) firstPageRead = true;
    },
    budget: {
      acquire: async () => {
        if (!firstPageRead || done) return;
        done = true;
        await between();
      },
    },
  });
}

describe('Halo changing under contactsync', () => {
  it('lists every user still in the client when a person moves one of the first page away between pages', async () => {
    const sims = await startSimulators(seed());
    const person = new HaloPsa({ baseUrl: sims.urls.halo!, credentials: sims.credentials.halo });
    const reader = readerWith(sims, async () => {
      const moved = await person.updateContact(2, 1000, fields('P0', 'p0@contoso.com', 21), ['locationId']);
      expect(moved.ok).toBe(true);
    });
    const listed = await reader.listContacts(1);
    const ids = listed.map((c) => c.id);
    const stillThere = sims.halo.usersOf(1).map((u) => u.id);
    expect(stillThere).toHaveLength(149);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...stillThere].sort());
  });

  it('lists a user added between pages once, every other user too', async () => {
    const sims = await startSimulators(seed());
    const reader = readerWith(sims, async () => {
      sims.halo.addUser(1, { site_id: 11, firstname: 'New', surname: 'Person', emailaddress: 'new@contoso.com' });
    });
    const ids = (await reader.listContacts(1)).map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      sims.halo
        .usersOf(1)
        .map((u) => u.id)
        .sort(),
    );
  });

  it('signs in again when Halo ends the token mid-run, and creates the user once', async () => {
    const sims = await startSimulators(seed());
    const attempts: AttemptLog[] = [];
    const psa = new HaloPsa({
      baseUrl: sims.urls.halo!,
      credentials: sims.credentials.halo,
      log: (entry) => attempts.push(entry),
    });
    expect(await psa.listContacts(2)).toEqual([]);
    // Halo's clock passes the token's end; contactsync's does not, so only the 401 tells it.
    sims.clock.advance(24 * 3600 * 1000);
    const made = await psa.createContact(2, fields('New', 'new@fabrikam.com', 21));
    expect(made.ok).toBe(true);
    expect(sims.halo.usersOf(2).map((u) => u.emailaddress)).toEqual(['new@fabrikam.com']);
    expect(attempts.some((a) => a.status === 401 && a.retry)).toBe(true);
  });
});
