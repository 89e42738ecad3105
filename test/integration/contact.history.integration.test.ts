import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionItems } from '../../src/operations/attention.ts';
import { auditLine } from '../../src/operations/audit-text.ts';
import { resolveConflict, saveTenantSettings, setContactSync } from '../../src/operations/operator-actions.ts';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';
import { BOTH_TARGETS } from '../support/targets.ts';

let web: WebHarness;
let admin: Browser;
const CONTOSO = '6f9d1c2e-4b7a-4c1e-9a55-0c3e8f1d2a01';

beforeAll(async () => {
  web = await startWebHarness();
  admin = new Browser(web.app);
  await admin.login('admin');
}, 120_000);
afterAll(async () => {
  await web.close();
});

const historyKinds = async (userId: string) =>
  (await web.box.store.userHistory(CONTOSO, userId, 50)).map((e) => e.action?.kind ?? e.result?.outcome);

/** Settles an open dispute of Contoso on that side by linking its first candidate, as an operator would. */
async function linkFirstCandidate(side: 'itglue' | 'bms') {
  const conflict = (await web.box.store.listConflicts({ status: 'open' })).find(
    (c) => c.tenantId === CONTOSO && c.side === side,
  )!;
  await resolveConflict(
    web.box.store,
    BOTH_TARGETS,
    conflict.id,
    { kind: 'link', contactId: conflict.candidates[0]! },
    'web:admin',
  );
  return conflict;
}

describe("a person's history and what waits", () => {
  it('keeps the time a contact was first held while it stays held, however many runs hold it', async () => {
    const held = async () =>
      (await attentionItems(web.box.store, BOTH_TARGETS, { tenantId: CONTOSO, kind: 'held' }))[0]!;
    const first = await held();
    await web.box.syncAll({ force: true });
    await web.box.syncAll({ force: true });
    const later = await held();
    expect(later.userId).toBe(first.userId);
    expect(later.since).toBe(first.since);
    const runs = await web.box.store.listRuns(CONTOSO, 5);
    expect(later.since < runs[0]!.startedAt).toBe(true);
  });

  it('records no row for a run that left a person unchanged, and records Disable and Enable', async () => {
    const link = (await web.box.store.listLinks(CONTOSO)).find((l) => l.psaContactId !== null)!;
    await web.box.syncAll({ force: true });
    expect(await historyKinds(link.userId)).not.toContain('unchanged');
    await setContactSync(web.box.store, BOTH_TARGETS, CONTOSO, link.userId, 'psa', 'web:admin');
    await setContactSync(web.box.store, BOTH_TARGETS, CONTOSO, link.userId, 'none', 'web:admin');
    expect((await historyKinds(link.userId)).slice(0, 2)).toEqual(['enable', 'disable']);
    const page = textOf((await admin.get(`/contacts/${CONTOSO}/${encodeURIComponent(link.userId)}`)).body);
    expect(page).toContain('Sync enabled by admin (web).');
    expect(page).toContain('Sync disabled (BMS is left alone) by admin (web).');
    expect(page).not.toContain('. by web:admin');
  });

  it('adds a row only when the outcome or the reasons change: a person disputed or held run after run shows once', async () => {
    const run = (await web.box.store.listRuns(CONTOSO, 1))[0]!;
    const results = await web.box.store.resultsOfRun(run.id);
    const rowsOf = async (userId: string, outcome: string) =>
      (await web.box.store.userHistory(CONTOSO, userId, 50)).filter((e) => e.result?.outcome === outcome).length;
    for (const outcome of ['disputed', 'held']) {
      const person = results.find((r) => r.outcome === outcome)!;
      const before = await rowsOf(person.userId, outcome);
      expect(before).toBeGreaterThan(0);
      await web.box.syncAll({ force: true });
      await web.box.syncAll({ force: true });
      await web.box.syncAll({ force: true });
      expect(await rowsOf(person.userId, outcome)).toBe(before);
    }
  });

  it('calls a contact an operator linked "linked by hand", on the page and in the history', async () => {
    const conflict = await linkFirstCandidate('itglue');
    await web.box.syncAll();
    expect(await historyKinds(conflict.userId)).toContain('link');
    const page = textOf((await admin.get(`/contacts/${CONTOSO}/${encodeURIComponent(conflict.userId)}`)).body);
    expect(page).toMatch(/linked by hand/);
    expect(page).not.toMatch(/\(created\)/);
    expect(page).toMatch(
      new RegExp(`Linked by hand to IT Glue contact [A-Z][^(]* \\(${conflict.candidates[0]}\\) by admin \\(web\\)\\.`),
    );
  });

  it('says a BMS contact an operator chose was linked by hand, through later syncs', async () => {
    const conflict = await linkFirstCandidate('bms');
    await web.box.syncAll({ force: true });
    await web.box.syncAll({ force: true });
    const link = (await web.box.store.getLink(CONTOSO, conflict.userId))!;
    expect(link.psaContactId).toBe(Number(conflict.candidates[0]));
    const page = textOf((await admin.get(`/contacts/${CONTOSO}/${encodeURIComponent(conflict.userId)}`)).body);
    expect(page).toMatch(/Linked by: [^·]*; BMS: linked by hand ·/);
    expect(page).toMatch(
      new RegExp(`Linked by hand to BMS contact [A-Z][^(]* \\(${conflict.candidates[0]}\\) by admin \\(web\\)\\.`),
    );
  });

  it('records a settings change with each key old → new', async () => {
    const tenant = (await web.box.store.getTenant(CONTOSO))!;
    await saveTenantSettings(
      web.box.store,
      BOTH_TARGETS,
      tenant,
      { phones: { blankReplacement: '000-000-0000' } },
      'web:admin',
    );
    const [entry] = await web.box.store.listAudit({ limit: 1, action: 'tenant.settings' });
    expect(entry!.details.values).toEqual({ 'phones.blankReplacement': { old: null, new: '000-000-0000' } });
    expect(auditLine(entry!, new Map(), BOTH_TARGETS).what).toBe(
      `changed the settings phones.blankReplacement null → "000-000-0000" (version ${String(entry!.details.version)})`,
    );
  });
});
