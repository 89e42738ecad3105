import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configBlocks, loadConfig, targetsOfConfig, tenantCustomerIdsOf } from '../../src/config/config-file.ts';

const microsoft = { clientId: 'app', clientSecret: 's' };
const bms = { userName: 'sync@msp.example', password: 'pw', tenant: 'MSP' };

function configFile(body: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'config-')), 'contactsync.json');
  writeFileSync(path, JSON.stringify(body));
  return path;
}

describe('the targets of a config follow from its blocks', () => {
  it("today's config (documentation platform and PSA) stays valid, each with its tenant ids", () => {
    const config = loadConfig(
      configFile({
        microsoft,
        itglue: { apiKey: 'k', subdomain: 'msp' },
        bms,
        tenants: [{ id: 't1', displayName: 'Contoso', itglueOrganizationId: '42', bmsAccountId: 7 }],
      }),
      {},
    );
    const targets = targetsOfConfig(config);
    expect([targets.doc?.words.name, targets.psa?.words.name]).toEqual(['IT Glue', 'BMS']);
    expect(config.itglue?.region).toBe('us');
    expect(config.bms?.tenant).toBe('MSP');
    expect(tenantCustomerIdsOf(config.tenants[0]!, targets)).toEqual({ doc: '42', psa: 7 });
  });

  it('accepts a PSA alone: no documentation platform, and no secret asked for one', () => {
    const config = loadConfig(configFile({ microsoft, bms, tenants: [{ id: 't1', displayName: 'Contoso' }] }), {});
    const blocks = configBlocks(config);
    expect(blocks.doc).toBeNull();
    expect(blocks.psa?.target.words.name).toBe('BMS');
    expect(blocks.psa?.block).toMatchObject({ userName: 'sync@msp.example', region: 'us' });
    expect(config.itglue).toBeUndefined();
  });

  it('accepts a documentation platform alone', () => {
    const targets = targetsOfConfig(loadConfig(configFile({ microsoft, itglue: { apiKey: 'k' } }), {}));
    expect(targets.doc?.words.name).toBe('IT Glue');
    expect(targets.psa).toBeNull();
  });

  it('refuses a config with no target, saying which blocks to add', () => {
    expect(() => loadConfig(configFile({ microsoft }), {})).toThrow(
      /names no target to write to: add a documentation platform's block \(itglue[^)]*\), a PSA's \(bms[^)]*autotask[^)]*\), or one of each/,
    );
  });

  it("asks for each present target's secret by its key and environment variable, and takes it from there", () => {
    const path = configFile({ microsoft, bms: { ...bms, password: undefined } });
    expect(() => loadConfig(path, {})).toThrow('bms.password: give the BMS password (or CONTACTSYNC_BMS_PASSWORD)');
    expect(loadConfig(path, { CONTACTSYNC_BMS_PASSWORD: 'from-env' }).bms?.password).toBe('from-env');
    expect(() => loadConfig(configFile({ microsoft, itglue: {} }), {})).toThrow(
      'itglue.apiKey: give the IT Glue API key (or CONTACTSYNC_ITGLUE_API_KEY)',
    );
  });

  it("checks a target's block with its own schema", () => {
    expect(() => loadConfig(configFile({ microsoft, bms: { ...bms, tenant: '' } }), {})).toThrow(
      'bms.tenant: the BMS tenant is the company name used at login',
    );
  });
});
