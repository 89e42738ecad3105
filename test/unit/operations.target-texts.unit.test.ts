import { describe, expect, it } from 'vitest';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import { linkedByText } from '../../src/domain/link.ts';
import type { Targets } from '../../src/domain/target-profile.ts';
import { auditLine } from '../../src/operations/audit-text.ts';
import { decisionText } from '../../src/operations/contact-decisions.ts';
import { conflictSummary } from '../../src/operations/conflict-summary.ts';
import { deepLinks, webAppsOf } from '../../src/operations/deep-links.ts';
import type { AuditEntry } from '../../src/domain/audit-entry.ts';

const BOTH: Targets = { doc: itglueProfile, psa: bmsProfile };
const PSA_ALONE: Targets = { doc: null, psa: bmsProfile };

function entry(action: string, details: Record<string, unknown>): AuditEntry {
  return {
    at: '2026-01-01T00:00:00Z',
    actor: 'web:admin',
    action,
    target: 'u1',
    details,
    tenantId: null,
    userId: null,
  };
}

describe("operations' texts name the installation's targets", () => {
  it("read as before for the demo's documentation platform and PSA", () => {
    expect(conflictSummary({ side: 'itglue', rule: 'name', candidates: ['1', '2'] }, BOTH)).toBe(
      '2 IT Glue candidates by rule "name"',
    );
    expect(conflictSummary({ side: 'bms', rule: null, candidates: ['7'] }, BOTH)).toBe(
      "1 BMS contact with the user's email or name",
    );
    expect(decisionText({ side: 'bms', choice: 'ignore' }, BOTH)).toBe('left out of BMS (IT Glue is synced)');
    expect(decisionText({ side: 'itglue', choice: 'create' }, BOTH)).toBe('a new IT Glue contact is created');
    expect(linkedByText({ rule: 'alias', psaContactId: 7, psaOrigin: 'hand' }, BOTH)).toBe(
      'alias; BMS: linked by hand',
    );
    const line = (action: string, details: Record<string, unknown>) =>
      auditLine(entry(action, details), new Map(), BOTH).what;
    expect(line('tenant.map', { itglue: { id: '1', name: 'Contoso' }, bms: null })).toBe(
      'mapped to IT Glue "Contoso", BMS none',
    );
    expect(line('contact.unlink', { itglue: '12', bms: 7 })).toBe('unlinked from IT Glue contact 12 and BMS contact 7');
    expect(line('contact.unlink', { itglue: null, bms: 7 })).toBe('unlinked from BMS contact 7');
    expect(line('contact.disable', { leg: 'all' })).toBe('disabled sync with IT Glue and BMS');
    expect(line('conflict.resolve', { side: 'bms', resolution: 'ignore' })).toBe(
      'settled the BMS conflict: left out of BMS',
    );
  });

  it('say nothing of a documentation platform a PSA-only installation does not have', () => {
    expect(decisionText({ side: 'bms', choice: 'ignore' }, PSA_ALONE)).toBe('left out of BMS');
    expect(auditLine(entry('contact.disable', { leg: 'all' }), new Map(), PSA_ALONE).what).toBe(
      'disabled sync with BMS',
    );
    expect(auditLine(entry('tenant.map', { bms: { id: 3, name: 'Contoso' } }), new Map(), PSA_ALONE).what).toBe(
      'mapped to BMS "Contoso"',
    );
  });

  it("link into each target's web app from its config block", () => {
    const ids = { tenantId: 't', userId: 'u', docCustomerId: '42', docContactId: '9', psaContactId: 7 };
    const linked = deepLinks(
      ids,
      webAppsOf(BOTH, { itglue: { subdomain: 'msp', region: 'eu' }, bms: { region: 'emea' } }),
    );
    expect(linked.doc).toBe('https://msp.eu.itglue.com/42/contacts/9');
    expect(linked.psa).toBe('https://bmsemea.kaseya.com/react/crm/contacts/7');
    expect(linked.docHint).toBeNull();
    const unset = deepLinks(ids, webAppsOf(BOTH));
    expect(unset.doc).toBeNull();
    expect(unset.docHint).toContain('Set itglue.subdomain in the config');
    expect(unset.psa).toBe('https://bms.kaseya.com/react/crm/contacts/7');
    expect(deepLinks(ids, webAppsOf(PSA_ALONE)).doc).toBeNull();
  });
});
