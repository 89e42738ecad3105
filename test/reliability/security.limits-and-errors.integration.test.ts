import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/store/state-store.ts';
import { hashPassword, newToken, tokenDigest } from '../../src/config/passwords.ts';
import { buildWebApp } from '../../src/web/web-app.ts';
import { buildCli, runCli } from '../support/cli.ts';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { Browser, PASSWORD, stateOnlyServices, textOf } from '../support/web.ts';

const BAD_LIMITS = ['-1', '0', '1.5', '1e3', 'abc', '%20', '99999999999999999999'];

async function withAdminToken(store: StateStore): Promise<string> {
  const token = newToken('cs_');
  await store.addApiToken({
    id: newToken().slice(0, 8),
    name: 'ops',
    tokenHash: tokenDigest(token),
    role: 'admin',
    createdBy: 'test',
  });
  return token;
}

for (const dialect of DATABASES) {
  describe(`limits on ${dialect}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let token: string;
    beforeAll(async () => {
      database = await openTestDatabase(dialect);
      const { store } = database;
      await store.addUser('admin', await hashPassword(PASSWORD), 'admin');
      for (let i = 0; i < 3; i++) {
        await store.upsertTenant(`t${i}`, `Tenant ${i}`);
        await store.finishRun(await store.startRun(`t${i}`), 'ok', {});
        await store.audit('cli:test', 'tenant.sync', `t${i}`);
      }
      token = await withAdminToken(store);
      app = await buildWebApp({ services: stateOnlyServices(store) });
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await database?.dispose();
    });

    const api = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

    it.each(['/api/runs', '/api/audit'])(
      '%s refuses a limit that is not a whole number in range, saying so',
      async (path) => {
        const max = path === '/api/runs' ? 1000 : 5000;
        for (const limit of [...BAD_LIMITS, String(max + 1)]) {
          const response = await api(`${path}?limit=${limit}`);
          expect(response.statusCode, `${path}?limit=${limit}`).toBe(400);
          expect(response.json().error).toEqual({
            code: 'Validation',
            message: expect.stringMatching(
              new RegExp(`^limit is how many to list: a whole number from 1 to ${max}, not `),
            ),
          });
        }
        expect((await api(`${path}?limit=1&limit=2`)).json().error.message).toMatch(/not several values/);
      },
    );

    it('refuses an offset or a page that is not a whole number in range with 400, saying so (never 500)', async () => {
      for (const offset of ['1e308', '-1', '1.5', 'abc', '99999999999999999999']) {
        const response = await api(`/api/audit?offset=${offset}`);
        expect(response.statusCode, `offset=${offset}`).toBe(400);
        expect(response.json().error).toEqual({
          code: 'Validation',
          message: `offset is how many to skip: a whole number from 0 to 1000000000, not "${offset}".`,
        });
      }
      expect((await api('/api/audit?offset=1')).json()).toHaveLength(2);
      const browser = new Browser(app);
      await browser.login('admin');
      const page = await browser.get('/audit?page=1e308');
      expect(page.statusCode).toBe(400);
      expect(textOf(page.body)).toContain(
        'page is which page to show: a whole number from 1 to 10000000, not "1e308".',
      );
    });

    it('gives as many as asked, and the default when nothing is asked', async () => {
      expect((await api('/api/runs?limit=2')).json()).toHaveLength(2);
      expect((await api('/api/runs')).json()).toHaveLength(3);
      expect((await api('/api/audit?limit=1')).json()).toHaveLength(1);
    });

    it('the audit page refuses a bad limit with the same words', async () => {
      const browser = new Browser(app);
      await browser.login('admin');
      const page = await browser.get('/audit?limit=-1');
      expect(page.statusCode).toBe(400);
      expect(textOf(page.body)).toContain('limit is how many to list: a whole number from 1 to 5000, not "-1".');
      expect((await browser.get('/audit?limit=2')).statusCode).toBe(200);
    });
  });
}

describe('the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'limits-'));
  const config = join(dir, 'contactsync.json');
  beforeAll(() => {
    buildCli();
    writeFileSync(
      config,
      JSON.stringify({ database: { sqlitePath: join(dir, 'state.db') }, microsoft: { clientId: 'app' }, itglue: {} }),
    );
  });

  it.each([
    ['runs list', ['runs', 'list']],
    ['audit', ['audit']],
  ])('%s --limit refuses what is not a whole number in range', async (_name, command) => {
    const cs = (limit: string) =>
      runCli(['--config', config, ...command, '--limit', limit], { CONTACTSYNC_DATA_DIR: dir });
    for (const limit of ['-1', '2.5', '100000']) {
      const run = await cs(limit);
      expect(run.code, `${command.join(' ')} --limit ${limit}`).toBe(1);
      expect(run.stderr).toMatch(
        /option '--limit <n>' argument '.*' is invalid\. limit is how many to list: a whole number from 1 to \d+/,
      );
    }
    expect((await cs('3')).code).toBe(0);
  });
});

describe('a request that fails on the server', () => {
  it('is logged with its cause under the id the answer gives, and the answer says nothing of the cause', async () => {
    const database = await openTestDatabase('sqlite');
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const broken: StateStore = Object.assign(Object.create(database.store) as StateStore, {
      listRuns: async () => {
        throw new Error('relation "runs" does not exist at character 15');
      },
    });
    const token = await withAdminToken(database.store);
    const app = await buildWebApp({ services: stateOnlyServices(broken), logger: pino(sink) });
    const response = await app.inject({
      method: 'GET',
      url: '/api/runs',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(500);
    const message: string = response.json().error.message;
    const requestId =
      /^Something went wrong on the server; the log has the details \(request ([0-9a-f-]{36})\)\.$/.exec(message)?.[1];
    expect(requestId, message).toBeDefined();
    expect(response.body).not.toMatch(/relation|runs" does not exist|character 15|at .*\.ts/);
    const logged = lines.find((line) => line.msg === 'request failed');
    expect(logged).toMatchObject({
      level: 50,
      requestId,
      method: 'GET',
      route: '/api/runs',
      err: {
        message: 'relation "runs" does not exist at character 15',
        stack: expect.stringContaining('Error: relation'),
      },
    });
    await app.close();
    await database.dispose();
  });
});
