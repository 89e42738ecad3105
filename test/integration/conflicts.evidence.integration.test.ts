import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conflictEvidence, type ConflictEvidence } from '../../src/operations/conflict-evidence.ts';
import { runCli, simulatorConfig } from '../support/cli.ts';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';

let web: WebHarness;
let evidence: ConflictEvidence[];
let config: string;

beforeAll(async () => {
  web = await startWebHarness();
  const open = await web.box.store.listConflicts({ status: 'open' });
  evidence = await conflictEvidence(
    web.box.store,
    { doc: web.box.clients.doc!, psa: web.box.clients.psa },
    open,
    web.box.webServices().targets,
    web.box.webServices().links,
  );
  // The CLI on the same state database and simulators, as a technician's terminal beside the web UI.
  const dir = mkdtempSync(join(tmpdir(), 'contactsync-evidence-'));
  config = simulatorConfig(web.box.sims, dir, { database: { sqlitePath: web.box.dbPath } });
}, 120_000);
afterAll(async () => {
  await web?.close();
});

const cs = (args: readonly string[]) =>
  runCli(['--config', config, ...args], { CONTACTSYNC_DATA_DIR: join(tmpdir(), 'cs-evidence-data') });

describe('conflicts decided from evidence', () => {
  it('gives each candidate its emails, phones, title, location, dates and link, each field marked against the user', () => {
    const byName = evidence.find((e) => e.side === 'itglue' && e.rule === 'name' && e.candidates.length >= 2)!;
    expect(byName.why).toMatch(
      /^By rule "name": first and last name are the same \(case, accents and spaces aside\), \d+ contacts fit the user equally well\.$/,
    );
    for (const c of byName.candidates) {
      expect(c.unreadable).toBeNull();
      expect(c.fields.find((f) => f.field === 'Name')!.verdict).toBe('same');
      expect(c.emails.length).toBeGreaterThan(0);
      expect(c.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(c.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(c.link).toMatch(/itglue\.com\/.+\/contacts\/\d+$/);
    }
    // The email tells the candidates apart: none of them has the user's address.
    expect(byName.candidates.map((c) => c.fields.find((f) => f.field === 'Email')!.verdict)).not.toContain('same');
    // On the BMS side: which contact is active, and which has the user's phone and title.
    const bms = evidence.find((e) => e.side === 'bms')!;
    expect(bms.why).toMatch(/BMS account have the user's email/);
    expect(bms.candidates.map((c) => c.active)).toEqual([true, false]);
    expect(bms.candidates.every((c) => c.link !== null && /\/crm\/contacts\/\d+$/.test(c.link))).toBe(true);
    expect(bms.candidates.map((c) => c.fields.find((f) => f.field === 'Phone')!.verdict)).toEqual(['same', 'differs']);
  });

  it('shows the evidence on the page, side by side, with the differences marked, filtered by customer', async () => {
    const viewer = new Browser(web.app);
    await viewer.login('viewer');
    const e = evidence.find((x) => x.side === 'itglue' && x.candidates.length >= 2)!;
    const page = await viewer.get(`/conflicts?tenant=${encodeURIComponent(e.tenantName.toLowerCase())}`);
    const card = new RegExp(
      `<section class="card conflict" data-conflict="${e.user.userPrincipalName.replace(/\./g, '\\.')}"[\\s\\S]*?</section>`,
    ).exec(page.body)![0];
    const text = textOf(card);
    for (const c of e.candidates) {
      expect(text).toContain(`IT Glue ${c.id}`);
      for (const email of c.emails) expect(text).toContain(email);
    }
    expect(text).toMatch(/Name .* same/);
    expect(card).toMatch(/<td data-label="IT Glue \d+" class="differs">/);
    expect(text).toContain(e.shortId);
    const tenants = [...page.body.matchAll(/data-conflict="[^"]+" id="conflict-([^"]+)"/g)].map(
      (m) => evidence.find((x) => x.id === m[1])!.tenantName,
    );
    expect(new Set(tenants)).toEqual(new Set([e.tenantName]));
  });

  it("says once, on a BMS dispute's card, that contactsync does not guess", async () => {
    const viewer = new Browser(web.app);
    await viewer.login('viewer');
    const e = evidence.find((x) => x.side === 'bms')!;
    const card = new RegExp(
      `<section class="card conflict" data-conflict="${e.user.userPrincipalName.replace(/\./g, '\\.')}"[\\s\\S]*?</section>`,
    ).exec((await viewer.get('/conflicts')).body)![0];
    expect(textOf(card).match(/guess/g)).toHaveLength(1);
  });

  it("shows the same evidence in the CLI, and takes a short id or the user's sign-in name", async () => {
    const e = evidence.find((x) => x.side === 'itglue' && x.candidates.length >= 2)!;
    const shown = await cs(['conflicts', 'show', e.user.userPrincipalName]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`${e.shortId}  ${e.tenantName} · ${e.user.userPrincipalName} · IT Glue`);
    expect(shown.stdout).toMatch(/\n {6}= Name {5}\S/);
    expect(shown.stdout).toMatch(/\n {6}≠ Email {4}\S/);
    const list = await cs(['conflicts', 'list', '--tenant', e.tenantName]);
    expect(list.stdout).toContain(e.why);
    const resolved = await cs(['conflicts', 'resolve', e.shortId, '--link', e.candidates[0]!.id]);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout).toMatch(
      new RegExp(
        `^Resolved: ${e.user.userPrincipalName.replace(/\./g, '\\.')} → linked to IT Glue contact ${e.candidates[0]!.id}\\.`,
      ),
    );
    const other = evidence.find((x) => x.id !== e.id && x.side === 'itglue')!;
    const byUpn = await cs(['conflicts', 'resolve', other.user.userPrincipalName, '--ignore']);
    expect(byUpn.stdout).toMatch(/→ ignore: left out of the sync/);
    const unknown = await cs(['conflicts', 'resolve', 'zzzz', '--create']);
    expect(unknown.stderr).toMatch(/No open conflict zzzz: .*contactsync conflicts list shows the open ones/);
  });

  it('resolves the conflicts selected on the page at once', async () => {
    const admin = new Browser(web.app);
    await admin.login('admin');
    await admin.get('/conflicts');
    const open = await web.box.store.listConflicts({ status: 'open' });
    const two = open.slice(0, 2);
    const response = await admin.post('/attention/act', {
      action: 'ignore',
      back: '/conflicts',
      item: two.map((c) => `conflict:${c.id.slice(0, 8)}`),
    });
    expect(response.headers.location).toBe('/conflicts');
    expect(textOf((await admin.get('/conflicts')).body)).toMatch(/^.*Leave out: 2 items\./);
    const still = await web.box.store.listConflicts({ status: 'open' });
    expect(still.filter((c) => two.some((t) => t.id === c.id))).toEqual([]);
  });

  it('answers the evidence over the REST API by short id', async () => {
    const open = await web.box.store.listConflicts({ status: 'open' });
    const response = await web.app.inject({
      url: `/api/conflicts/${open[0]!.id.slice(0, 8)}`,
      headers: { authorization: `Bearer ${web.tokens.viewer}` },
    });
    expect(response.statusCode).toBe(200);
    expect((response.json() as ConflictEvidence).candidates.length).toBe(open[0]!.candidates.length);
  });
});
