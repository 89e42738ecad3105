import { statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/operations/user-accounts.ts';
import { openSqlite } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import { StateStore } from '../../src/store/state-store.ts';
import { hashPassword, verifyPassword } from '../../src/config/passwords.ts';
import { buildWebApp, SESSION_COOKIE, type WebAppOptions } from '../../src/web/web-app.ts';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { PASSWORD, stateOnlyServices, textOf } from '../support/web.ts';

function appOn(store: StateStore, options: Partial<WebAppOptions> = {}): Promise<FastifyInstance> {
  return buildWebApp({ services: stateOnlyServices(store), ...options });
}

/**
 * A sign-in form as a browser posts it, from `client` (the socket's address) through `forwardedFor` when given; the
 * browser keeps its cookies (the device cookie of a successful sign-in among them).
 */
class SignInForm {
  private readonly cookies = new Map<string, string>();
  private csrf = '';

  constructor(private readonly app: FastifyInstance) {}

  private keep(cookies: readonly { name: string; value: string }[]): void {
    for (const { name, value } of cookies) {
      // Signed in, the browser is sent on; the form is used again as if signed out (it keeps the device cookie).
      if (name === SESSION_COOKIE) continue;
      if (value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
      if (name === '_csrf' && value === '') this.csrf = '';
    }
  }

  async post(
    username: string,
    password: string,
    from: { client?: string; forwardedFor?: string } = {},
  ): Promise<{ status: number; text: string }> {
    if (this.csrf === '') {
      const page = await this.app.inject({ method: 'GET', url: '/login' });
      this.keep(page.cookies);
      this.csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    }
    const response = await this.app.inject({
      method: 'POST',
      url: '/login',
      remoteAddress: from.client ?? '127.0.0.1',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
        ...(from.forwardedFor === undefined ? {} : { 'x-forwarded-for': from.forwardedFor }),
      },
      payload: new URLSearchParams({ _csrf: this.csrf, username, password }).toString(),
    });
    this.keep(response.cookies);
    return { status: response.statusCode, text: textOf(response.body) };
  }
}

/** A form posted without the CSRF cookie or token, as a script floods it. */
async function bareForm(app: FastifyInstance, client: string, username: string): Promise<number> {
  const response = await app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: client,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ username, password: 'wrong' }).toString(),
  });
  return response.statusCode;
}

for (const dialect of DATABASES) {
  describe(`the sign-in limit on ${dialect}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await openTestDatabase(dialect);
      await database.store.addUser('admin', await hashPassword(PASSWORD), 'admin');
      await database.store.addUser('viewer', await hashPassword(PASSWORD), 'viewer');
    }, 60_000);
    afterAll(async () => {
      await database?.dispose();
    });

    it('counts a client’s failures whatever names it tries: a new name buys no new attempt', async () => {
      const app = await appOn(database.store, { loginAttempts: 2 });
      const form = new SignInForm(app);
      const from = { client: '198.51.100.7' };
      const statuses = [];
      for (let i = 0; i < 8; i++) statuses.push((await form.post(`guess-${i}`, 'wrong', from)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401]);
      const blocked = await form.post('guess-9', 'wrong', from);
      expect(blocked.status).toBe(429);
      expect(blocked.text).toMatch(/Too many sign-in attempts\. Try again in 15 minutes/);
      // Even the right password waits: the limit holds whatever is tried.
      expect((await form.post('admin', PASSWORD, from)).status).toBe(429);
      expect((await form.post('admin', PASSWORD, { client: '198.51.100.8' })).status).toBe(303);
      await app.close();
    });

    it('behind a trusted proxy, limits each forwarded client on its own; an untrusted X-Forwarded-For is ignored', async () => {
      const proxied = await appOn(database.store, { loginAttempts: 2, trustProxy: ['10.0.0.0/8'] });
      const form = new SignInForm(proxied);
      const viaProxy = (forwardedFor: string) => ({ client: '10.1.2.3', forwardedFor });
      expect((await form.post('viewer', 'wrong', viaProxy('203.0.113.1'))).status).toBe(401);
      expect((await form.post('viewer', 'wrong', viaProxy('203.0.113.1'))).status).toBe(401);
      expect((await form.post('viewer', PASSWORD, viaProxy('203.0.113.1'))).status).toBe(429);
      // Another person behind the same proxy is not held back by the first one's failures.
      expect((await form.post('viewer', 'wrong', viaProxy('203.0.113.2'))).status).toBe(401);
      expect((await form.post('viewer', PASSWORD, viaProxy('203.0.113.2'))).status).toBe(303);
      const failure = (await database.store.listAudit(10)).find((e) => e.action === 'login.failed')!;
      expect(failure.details).toEqual({ ip: '203.0.113.2' });
      // A client that is not the proxy cannot choose its address by writing the header itself.
      const direct = { client: '192.0.2.50' };
      expect((await form.post('viewer', 'wrong', { ...direct, forwardedFor: '203.0.113.3' })).status).toBe(401);
      expect((await form.post('viewer', 'wrong', { ...direct, forwardedFor: '203.0.113.4' })).status).toBe(401);
      expect((await form.post('viewer', PASSWORD, { ...direct, forwardedFor: '203.0.113.5' })).status).toBe(429);
      await proxied.close();

      const untrusting = await appOn(database.store, { loginAttempts: 2 });
      const other = new SignInForm(untrusting);
      const socket = '192.0.2.60';
      expect((await other.post('viewer', 'wrong', { client: socket, forwardedFor: '203.0.113.6' })).status).toBe(401);
      expect((await other.post('viewer', 'wrong', { client: socket, forwardedFor: '203.0.113.7' })).status).toBe(401);
      expect((await other.post('viewer', PASSWORD, { client: socket, forwardedFor: '203.0.113.8' })).status).toBe(429);
      await untrusting.close();
    });

    it('never locks a person out of their own browser, whatever ten addresses try against their name', async () => {
      await database.store.addUser('carol', await hashPassword(PASSWORD), 'admin');
      const app = await appOn(database.store);
      const own = new SignInForm(app);
      expect((await own.post('carol', PASSWORD, { client: '203.0.113.200' })).status).toBe(303);
      // Five failures from each of ten addresses: more than the name allows from browsers it does not know.
      for (let a = 0; a < 10; a++) {
        const stranger = new SignInForm(app);
        for (let i = 0; i < 5; i++)
          expect((await stranger.post('carol', `guess-${i}`, { client: `192.0.2.${100 + a}` })).status).toBe(401);
      }
      expect((await new SignInForm(app).post('carol', 'guess', { client: '192.0.2.120' })).status).toBe(429);
      expect((await new SignInForm(app).post('carol', PASSWORD, { client: '192.0.2.121' })).status).toBe(429);
      // Her own browser, even from another address (a laptop on another network), still signs her in.
      expect((await own.post('carol', PASSWORD, { client: '198.51.100.201' })).status).toBe(303);
      // Its own failures are limited all the same.
      for (let i = 0; i < 5; i++)
        expect((await own.post('carol', `mistake-${i}`, { client: '198.51.100.201' })).status).toBe(401);
      expect((await own.post('carol', PASSWORD, { client: '198.51.100.201' })).status).toBe(429);
      await app.close();
    });

    it('counts an IPv6 client by its /64: a new address in the same network buys no new attempt', async () => {
      const app = await appOn(database.store, { loginAttempts: 2 });
      const form = new SignInForm(app);
      const statuses = [];
      for (let i = 1; i <= 9; i++)
        statuses.push(
          (await form.post(`v6-guess-${i}`, 'wrong', { client: `2001:db8:5:6::${i.toString(16)}` })).status,
        );
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429]);
      expect((await form.post('v6-guess-x', 'wrong', { client: '2001:db8:5:6:ffff:1:2:3' })).status).toBe(429);
      expect((await form.post('v6-guess-y', 'wrong', { client: '2001:db8:5:7::1' })).status).toBe(401);
      await app.close();
    });

    it('counts forms without the CSRF cookie in the limit, and writes their warning once per interval with a count', async () => {
      const lines: { msg: string; repeated?: number }[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as never) });
      const app = await appOn(database.store, { loginAttempts: 2, logger, repeatedWarningMs: 1000 });
      const statuses = [];
      for (let i = 0; i < 12; i++) statuses.push(await bareForm(app, '198.51.100.60', `bare-${i}`));
      expect(statuses).toEqual([403, 403, 403, 403, 403, 403, 403, 403, 429, 429, 429, 429]);
      // A flood spread over many addresses: each refused, and one line for all of them.
      for (let i = 0; i < 100; i++) expect(await bareForm(app, `10.9.${i >> 8}.${i & 255}`, `spread-${i}`)).toBe(403);
      const warnings = () => lines.filter((l) => l.msg.startsWith('Missing csrf secret'));
      // Every refused form is accounted for: a line, or a count in the line that closes its interval.
      const accounted = () => warnings().reduce((n, l) => n + (l.repeated ?? 1), 0);
      for (let waited = 0; accounted() < 108 && waited < 5000; waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(accounted()).toBe(108);
      // A line per interval and one with the count: a handful for the whole flood (the test takes a few seconds).
      expect(warnings().length).toBeLessThanOrEqual(8);
      expect(warnings()).toContainEqual(
        expect.objectContaining({ msg: expect.stringMatching(/^Missing csrf secret \(\d+ more times in 1 s\)$/) }),
      );
      await app.close();
    });

    it('gives the device cookie of one login no guesses at a login differing from it only in case', async () => {
      await database.store.addUser('victim', await hashPassword(PASSWORD), 'admin');
      await database.store.addUser('Victim', await hashPassword(PASSWORD), 'viewer');
      const app = await appOn(database.store);
      const insider = new SignInForm(app);
      const from = { client: '203.0.113.77' };
      expect((await insider.post('Victim', PASSWORD, from)).status).toBe(303);
      // Four guesses at the admin, then a success as the viewer to clear the count, again and again.
      const guesses = [];
      for (let round = 0; round < 12; round++) {
        for (let i = 0; i < 4; i++) guesses.push((await insider.post('victim', `guess-${round}-${i}`, from)).status);
        await insider.post('Victim', PASSWORD, from);
      }
      expect(guesses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(guesses.filter((status) => status === 401)).toHaveLength(5);
      expect(guesses.slice(5).every((status) => status === 429)).toBe(true);
      // The viewer's own browser still signs the viewer in.
      expect((await insider.post('Victim', PASSWORD, from)).status).toBe(303);
      await app.close();
    });

    it('limits guesses through device cookies per name too: eleven browsers of a name share 50 failures', async () => {
      await database.store.addUser('dave', await hashPassword(PASSWORD), 'viewer');
      const app = await appOn(database.store);
      const browsers = [];
      for (let b = 0; b < 11; b++) {
        const browser = new SignInForm(app);
        expect((await browser.post('dave', PASSWORD, { client: `198.51.100.${150 + b}` })).status).toBe(303);
        browsers.push(browser);
      }
      const statuses = [];
      for (const [b, browser] of browsers.entries())
        for (let i = 0; i < 5; i++)
          statuses.push((await browser.post('dave', `guess-${i}`, { client: `198.51.100.${150 + b}` })).status);
      expect(statuses.filter((status) => status === 401)).toHaveLength(50);
      expect(statuses.slice(50)).toEqual([429, 429, 429, 429, 429]);
      await app.close();
    });

    it('refuses a new login that differs from an existing one only in case, naming it', async () => {
      await expect(addUser(database.store, 'ADMIN', 'a long enough password', 'viewer', 'cli')).rejects.toThrow(
        /There is a user admin already; a login differing from another only in case is refused/,
      );
      expect((await database.store.listUsers()).map((u) => u.username)).not.toContain('ADMIN');
    });

    it('keeps the count across a restart of the app on the same database', async () => {
      const client = { client: '198.51.100.20' };
      const first = await appOn(database.store, { loginAttempts: 3 });
      for (let i = 0; i < 3; i++) expect((await new SignInForm(first).post('admin', 'wrong', client)).status).toBe(401);
      await first.close();
      const restarted = await appOn(database.store, { loginAttempts: 3 });
      expect((await new SignInForm(restarted).post('admin', PASSWORD, client)).status).toBe(429);
      await restarted.close();
    });

    it('forgets counts whose window has closed when someone signs in, and leaves other budgets alone', async () => {
      await database.store.countAttempt('login:c:192.0.2.99', 1000, 0);
      await database.store.countAttempt('wgraph:closed-but-not-ours', 1000, 0);
      const app = await appOn(database.store);
      expect((await new SignInForm(app).post('admin', PASSWORD, { client: '198.51.100.90' })).status).toBe(303);
      const keys = (await database.db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key);
      expect(keys).not.toContain('login:c:192.0.2.99');
      expect(keys).toContain('wgraph:closed-but-not-ours');
      expect(keys).toContain('login:c:198.51.100.90');
      await app.close();
    });

    it('caps the name a stranger sends before it is counted or audited: 20 tries of 400 KB store a few KB', async () => {
      const app = await appOn(database.store, { loginAttempts: 100 });
      const form = new SignInForm(app);
      const auditBytes = async () =>
        (await database.store.listAudit(100_000))
          .filter((e) => e.action === 'login.failed')
          .reduce((n, e) => n + e.actor.length + e.target.length + JSON.stringify(e.details).length, 0);
      const before = await auditBytes();
      for (let i = 0; i < 20; i++) {
        // A form that large is refused before it is read; one that fits has its name cut to 64 characters.
        expect((await form.post(`${i}`.padEnd(400_000, 'x'), 'wrong', { client: '198.51.100.30' })).status).toBe(413);
        expect((await form.post(`${i}`.padEnd(15_000, 'y'), 'wrong', { client: '198.51.100.30' })).status).toBe(401);
      }
      const grown = (await auditBytes()) - before;
      expect(grown).toBeLessThan(20 * 200);
      const entry = (await database.store.listAudit(1))[0]!;
      expect(entry.target).toHaveLength(64);
      expect(entry.details).toEqual({ ip: '198.51.100.30', nameLength: 15_000 });
      await app.close();
    });

    it('does the same scrypt work for an unknown name as for a known one', async () => {
      const checked: string[] = [];
      const app = await appOn(database.store, {
        loginAttempts: 1000,
        verifyPassword: (stored, password) => {
          checked.push(stored);
          return verifyPassword(stored, password);
        },
      });
      const form = new SignInForm(app);
      const timed = async (username: string) => {
        const started = performance.now();
        expect((await form.post(username, 'wrong', { client: '198.51.100.40' })).status).toBe(401);
        return performance.now() - started;
      };
      expect(await timed('nobody-by-this-name')).toBeGreaterThan(0);
      expect(await timed('admin')).toBeGreaterThan(0);
      const params = (hash: string) => hash.split('$').slice(0, 4).join('$');
      const admin = (await database.store.getUser('admin'))!.passwordHash;
      expect(checked.map(params)).toEqual([params(admin), params(admin)]);
      expect(checked[1]).toBe(admin);
      expect(checked[0]).not.toBe(admin);

      // And the times agree: medians of interleaved tries, within a bound no busy machine should break.
      const unknown: number[] = [];
      const known: number[] = [];
      for (let i = 0; i < 7; i++) {
        unknown.push(await timed(`stranger-${i}`));
        known.push(await timed('viewer'));
      }
      const median = (values: number[]) => values.toSorted((a, b) => a - b)[3]!;
      const ratio = median(unknown) / median(known);
      expect(ratio).toBeGreaterThan(0.33);
      expect(ratio).toBeLessThan(3);
      await app.close();
    });
  });
}

describe('the sign-in limit on a SQLite file', () => {
  it('stands when the process opens the file again, and 20 floods grow the file by a few KB at most', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sign-in-')), 'state.db');
    const open = async () => {
      const { db } = openSqlite(path);
      await migrateToLatest(db as Kysely<unknown>);
      return new StateStore(db);
    };
    const first = await open();
    await first.addUser('admin', await hashPassword(PASSWORD), 'admin');
    let app = await appOn(first, { loginAttempts: 30 });
    const form = new SignInForm(app);
    await form.post('warm-up', 'wrong', { client: '198.51.100.50' });
    // The file and its write-ahead log, with the log folded in so that sizes compare.
    const size = async (store: StateStore) => {
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
      return statSync(path).size;
    };
    const before = await size(first);
    for (let i = 0; i < 20; i++) await form.post(`${i}`.padEnd(15_000, 'z'), 'wrong', { client: '198.51.100.50' });
    const grown = (await size(first)) - before;
    expect(grown).toBeLessThanOrEqual(8 * 1024);
    await app.close();
    await first.close();

    const second = await open();
    app = await appOn(second, { loginAttempts: 5 });
    expect((await new SignInForm(app).post('admin', PASSWORD, { client: '198.51.100.50' })).status).toBe(429);
    expect((await new SignInForm(app).post('admin', PASSWORD, { client: '198.51.100.51' })).status).toBe(303);
    await app.close();
    await second.close();
  });
});
