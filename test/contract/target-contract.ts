import { afterEach, describe, expect, it } from 'vitest';
import { isConnectorError } from '../../src/connectors/http/connector-error.ts';
import type { WriteResult } from '../../src/domain/ports.ts';
import { RecordingProxy, type ProxiedRequest } from './recording-proxy.ts';

/** A person as the contract suite speaks of them, whatever the target calls the fields. */
export interface ContractPerson {
  readonly firstName: string;
  readonly lastName: string;
  readonly title: string | null;
  readonly email: string;
  /** E.164 */
  readonly phone: string;
}

/** A contact as a target holds it. */
export interface ContractContact extends Omit<ContractPerson, 'phone'> {
  readonly id: string;
  /** null when the target's listing does not carry it (BMS's contact summaries) */
  readonly phone: string | null;
  /** false once inactivated the target's way; the record is never deleted */
  readonly active: boolean;
}

/** The suite's seed: customers (organization, account, company, client) with their people, in this order. */
export interface ContractSeed {
  readonly customers: readonly { readonly name: string; readonly people: readonly ContractPerson[] }[];
}

/** The suite's neutral operations, mapped by each adapter onto its role's port (`DocStore`, `Psa`). */
export interface ContractClient {
  list(customerId: string): Promise<readonly ContractContact[]>;
  findByEmail(customerId: string, email: string): Promise<readonly ContractContact[]>;
  findByName(customerId: string, firstName: string, lastName: string): Promise<readonly ContractContact[]>;
  create(customerId: string, person: ContractPerson): Promise<WriteResult<string>>;
  /** changes only the fields given, the way the sync writes an update to this target */
  update(customerId: string, id: string, change: Partial<ContractPerson>): Promise<WriteResult<string>>;
  inactivate(customerId: string, id: string): Promise<WriteResult<string>>;
}

export interface ClientOptions {
  /** where the client sends its requests (the recording proxy in front of the simulator) */
  readonly baseUrl: string;
  /** credentials the target refuses */
  readonly wrongCredentials?: boolean;
  /** how the client waits between attempts, and its clock (the simulators' clock, so that waits are virtual) */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** One target's simulator, started from the suite's seed. */
export interface RunningTarget {
  /** the API's address on the simulator */
  readonly url: string;
  /** the customers' ids, in the seed's order */
  readonly customerIds: readonly string[];
  connect(options: ClientOptions): ContractClient;
  /** the contact as the simulator holds it (not as the client reads it), or null when there is none */
  held(id: string): ContractContact | null;
  /** a technician changes the contact in the target by hand, in a way contactsync does not manage */
  editByHand(id: string): Promise<void>;
  /** whether that hand edit is still there */
  handEditKept(id: string): boolean;
  /** every request of this API answers 429 (the simulators' `/_sim/faults`), or no longer does */
  throttle(on: boolean): Promise<void>;
  /** advances the simulators' clock */
  advance(ms: number): void;
  now(): number;
  close(): Promise<void>;
}

/** What one target plugs into the suite: how to start its simulator, build its client and read its wire. */
export interface TargetContractAdapter {
  /** the target's name as users read it */
  readonly name: string;
  /** the vendor's largest page of contacts, from its documents */
  readonly pageSize: number;
  start(seed: ContractSeed): Promise<RunningTarget>;
  /** whether a request is the client's login (not a read or a write of records) */
  isLogin(url: string): boolean;
  /** whether a request reads a page of a customer's contacts */
  isContactPage(request: ProxiedRequest): boolean;
  /**
   * The fields of `before` that a write request changes: for an API that patches, the fields it carries; for one
   * that replaces the record, those whose value it sends differs from `before`.
   */
  fieldsWritten(request: ProxiedRequest, before: ContractContact): readonly string[];
  /** a change the target refuses, and the field its refusal names (in the target's words) */
  readonly refused: { readonly change: Partial<ContractPerson>; readonly field: string };
  /** what the wrong-credentials error tells a person to check, and the secret it must not show */
  readonly wrongCredentials: { readonly advice: RegExp; readonly secret: string };
}

export function person(n: number, fields: Partial<ContractPerson> = {}): ContractPerson {
  return {
    firstName: `First${n}`,
    lastName: 'Person',
    title: 'Clerk',
    email: `p${n}@contoso.com`,
    phone: '+12065550100',
    ...fields,
  };
}

function okId(result: WriteResult<string>): string {
  if (!result.ok) throw new Error(`the write was refused: ${JSON.stringify(result.reasons)}`);
  return result.id;
}

/**
 * The bar every target's client passes against its own strict simulator over real HTTP (DESIGN.md, "Targets"): list
 * a customer's contacts in pages of the vendor's size, search by email and by name, create, update only what
 * changed, inactivate (never delete), name a refused record's field, wait out a 429, explain wrong credentials.
 */
export function describeTarget(adapter: TargetContractAdapter): void {
  describe(`${adapter.name} passes the target contract`, () => {
    let liveTarget: RunningTarget | null = null;
    let liveProxy: RecordingProxy | null = null;
    afterEach(async () => {
      await liveProxy?.close();
      await liveTarget?.close();
      liveProxy = null;
      liveTarget = null;
    });

    /** The simulator seeded with `count` people at the first customer and none at the second, behind a proxy. */
    async function start(count: number): Promise<{ target: RunningTarget; proxy: RecordingProxy; url: string }> {
      const target = await adapter.start({
        customers: [
          { name: 'Contoso Ltd', people: Array.from({ length: count }, (_, i) => person(i)) },
          { name: 'Fabrikam', people: [] },
        ],
      });
      liveTarget = target;
      const proxy = new RecordingProxy(target.url);
      liveProxy = proxy;
      return { target, proxy, url: await proxy.start() };
    }

    it("lists every contact of a customer, in pages of the vendor's size", async () => {
      const count = 2 * adapter.pageSize + 7;
      const { target, proxy, url } = await start(count);
      const contacts = await target.connect({ baseUrl: url }).list(target.customerIds[0]!);
      expect(contacts).toHaveLength(count);
      expect(new Set(contacts.map((c) => c.id)).size).toBe(count);
      const { phone: _phone, ...listed } = person(5);
      expect(contacts.find((c) => c.email === 'p5@contoso.com')).toMatchObject({ ...listed, active: true });
      expect(proxy.requests.filter((r) => adapter.isContactPage(r))).toHaveLength(3);
      expect(await target.connect({ baseUrl: url }).list(target.customerIds[1]!)).toEqual([]);
    });

    it("finds a customer's contact by email, whatever its case, and by name, and none of another customer's", async () => {
      const { target, url } = await start(30);
      const client = target.connect({ baseUrl: url });
      const [contoso, fabrikam] = target.customerIds as [string, string];
      expect((await client.findByEmail(contoso, 'P7@Contoso.com')).map((c) => c.email)).toEqual(['p7@contoso.com']);
      expect((await client.findByName(contoso, 'first8', 'PERSON')).map((c) => c.email)).toEqual(['p8@contoso.com']);
      expect(await client.findByEmail(fabrikam, 'p7@contoso.com')).toEqual([]);
      expect(await client.findByName(fabrikam, 'First8', 'Person')).toEqual([]);
      expect(await client.findByEmail(contoso, 'nobody@contoso.com')).toEqual([]);
    });

    it('creates a contact that holds every field sent', async () => {
      const { target, url } = await start(0);
      const hire = person(900, { firstName: 'Ann', lastName: 'Lee', title: 'CFO', email: 'ann@fabrikam.com' });
      const id = okId(await target.connect({ baseUrl: url }).create(target.customerIds[1]!, hire));
      expect(target.held(id)).toEqual({ id, ...hire, active: true });
    });

    it('updates only what changed, keeping the rest of the record and what a technician added by hand', async () => {
      const { target, proxy, url } = await start(3);
      const id = (await target.connect({ baseUrl: url }).list(target.customerIds[0]!)).find(
        (c) => c.email === 'p1@contoso.com',
      )!.id;
      await target.editByHand(id);
      const before = target.held(id)!;
      const from = proxy.requests.length;
      const result = await target.connect({ baseUrl: url }).update(target.customerIds[0]!, id, { title: 'Controller' });
      expect(result).toEqual({ ok: true, id });
      const writes = proxy.requests.slice(from).filter((r) => r.method !== 'GET' && !adapter.isLogin(r.url));
      expect(writes.map((w) => adapter.fieldsWritten(w, before))).toEqual([['title']]);
      expect(target.held(id)).toEqual({ ...before, title: 'Controller' });
      expect(target.handEditKept(id)).toBe(true);
    });

    it('inactivates a contact and keeps it, never deleting it', async () => {
      const { target, url } = await start(3);
      const client = target.connect({ baseUrl: url });
      const id = (await client.list(target.customerIds[0]!)).find((c) => c.email === 'p2@contoso.com')!.id;
      const before = target.held(id)!;
      expect(await client.inactivate(target.customerIds[0]!, id)).toEqual({ ok: true, id });
      expect(target.held(id)).toEqual({ ...before, active: false });
      const listed = await client.list(target.customerIds[0]!);
      expect(listed).toHaveLength(3);
      expect(listed.find((c) => c.id === id)?.active).toBe(false);
    });

    it('names the field of a record the target refuses, and writes nothing for it', async () => {
      const { target, url } = await start(0);
      const client = target.connect({ baseUrl: url });
      const fabrikam = target.customerIds[1]!;
      const refused = person(1, adapter.refused.change);
      const result = await client.create(fabrikam, refused);
      expect(result.ok).toBe(false);
      const reasons = result.ok ? [] : result.reasons;
      expect(reasons).toHaveLength(1);
      expect(reasons[0]!.field).toBe(adapter.refused.field);
      // The message says which target refused which record (by its name, or the email that tells it apart) and why.
      const { message } = reasons[0]!;
      expect(message).toContain(adapter.name);
      expect(message).toContain(adapter.refused.field);
      expect([`${refused.firstName} ${refused.lastName}`, refused.email].some((name) => message.includes(name))).toBe(
        true,
      );
      expect(await client.list(fabrikam)).toEqual([]);
      // The next record is written all the same.
      okId(await client.create(fabrikam, person(2)));
    });

    it('waits as long as a 429 says in Retry-After, then carries on', async () => {
      const { target, proxy, url } = await start(3);
      proxy.retryAfterSeconds = 7;
      const waits: number[] = [];
      const client = target.connect({
        baseUrl: url,
        // Time passes on the simulators' clock; the window is over once the client has waited.
        sleep: async (ms) => {
          waits.push(ms);
          target.advance(ms);
          await target.throttle(false);
        },
        now: () => target.now(),
      });
      // A first request, so that a login (if any) is not what the 429 meets.
      await client.list(target.customerIds[1]!);
      await target.throttle(true);
      const contacts = await client.list(target.customerIds[0]!);
      expect(contacts).toHaveLength(3);
      expect(proxy.requests.filter((r) => r.status === 429)).toHaveLength(1);
      expect(waits).toEqual([7000]);
    });

    it('says to check the credentials when the target refuses them, without showing the secret', async () => {
      const { target, url } = await start(1);
      const error = await target
        .connect({ baseUrl: url, wrongCredentials: true })
        .list(target.customerIds[0]!)
        .catch((caught: unknown) => caught);
      expect(isConnectorError(error, 'Auth')).toBe(true);
      expect((error as Error).message).toMatch(adapter.wrongCredentials.advice);
      expect((error as Error).message).not.toContain(adapter.wrongCredentials.secret);
    });
  });
}
