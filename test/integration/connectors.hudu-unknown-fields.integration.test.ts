import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HuduDocStore } from '../../src/connectors/hudu/hudu-doc-store.ts';
import { startHudu, type StartedHudu } from '../support/hudu-simulator.ts';

/**
 * A Hudu asset whose answer carries a field its layout lacks (a field removed from the layout, kept on old assets):
 * an update of the person still lands, and keeps every field the layout has.
 */

const KEY = 'hudu-test-key-0123456789';

/** Passes requests to Hudu, adding a field the layout lacks to every asset answered. */
class ExtraFieldProxy {
  private server: Server | null = null;
  constructor(private readonly target: string) {}
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const method = req.method ?? 'GET';
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (v !== undefined && !['host', 'connection', 'content-length'].includes(k)) headers[k] = String(v);
        void fetch(`${this.target}${req.url}`, {
          method,
          headers,
          ...(method === 'GET' ? {} : { body: Buffer.concat(chunks).toString('utf8') }),
        }).then(async (answer) => {
          let text = await answer.text();
          try {
            const body = JSON.parse(text) as { assets?: { fields?: unknown[] }[]; asset?: { fields?: unknown[] } };
            for (const asset of [...(body.assets ?? []), ...(body.asset === undefined ? [] : [body.asset])])
              asset.fields?.push({ id: 999, label: 'Legacy notes', value: 'from an older layout', position: 99 });
            text = JSON.stringify(body);
          } catch {
            // not JSON: as it is
          }
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(text);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

let started: StartedHudu | null = null;
let proxy: ExtraFieldProxy | null = null;
afterEach(async () => {
  await proxy?.close();
  await started?.hudu.server.close();
});

describe('a Hudu asset with a field its layout lacks', () => {
  it('is updated all the same, every field of the layout kept', async () => {
    started = await startHudu(KEY, {
      assetLayouts: [
        {
          id: 1,
          name: 'People',
          fields: [{ label: 'Title' }, { label: 'Phone' }, { label: 'Badge number' }],
        },
      ],
      companies: [
        {
          id: 1,
          name: 'Contoso Ltd',
          assets: [
            {
              id: 10,
              asset_layout_id: 1,
              name: 'Ann Lee',
              primary_mail: 'ann@contoso.com',
              fields: [
                { label: 'Title', value: 'Engineer' },
                { label: 'Badge number', value: 'B-77' },
              ],
            },
          ],
        },
      ],
    });
    proxy = new ExtraFieldProxy(started.url);
    const store = new HuduDocStore({
      baseUrl: await proxy.start(),
      apiKey: KEY,
      policy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const [person] = await store.listContacts('1');
    expect(person?.title).toBe('Engineer');
    const [result] = await store.updateContacts([{ id: '10', patch: { title: 'Lead engineer' } }]);
    expect(result, JSON.stringify(result)).toEqual({ ok: true, id: '10' });
    expect(started.hudu.fieldsByLabel(10)).toEqual({ Title: 'Lead engineer', Phone: null, 'Badge number': 'B-77' });
  });
});
