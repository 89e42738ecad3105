import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configBlocks, loadConfig, targetsOfConfig, tenantCustomerIdsOf } from '../../src/config/config-file.ts';
import { huduWebApp } from '../../src/connectors/hudu/config.ts';

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
      /names no target to write to: add a documentation platform's block \(itglue or hudu\), a PSA's \(bms or autotask or connectwise or halo\), or one of each/,
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

describe("Hudu's block of the config", () => {
  it("makes Hudu the documentation platform, with its layout, its fields, its key and each tenant's company", () => {
    const config = loadConfig(
      configFile({
        microsoft,
        hudu: { baseUrl: 'https://msp.huducloud.com', layout: 'Staff', fields: { mobile: 'Cell' } },
        bms,
        tenants: [{ id: 't1', displayName: 'Contoso', huduCompanyId: '42', bmsAccountId: 7 }],
      }),
      { CONTACTSYNC_HUDU_API_KEY: 'hudu-secret-key' },
    );
    const targets = targetsOfConfig(config);
    expect([targets.doc?.words.name, targets.psa?.words.name]).toEqual(['Hudu', 'BMS']);
    expect(configBlocks(config).doc?.block).toEqual({
      baseUrl: 'https://msp.huducloud.com',
      apiKey: 'hudu-secret-key',
      layout: 'Staff',
      fields: { mobile: 'Cell' },
    });
    expect(tenantCustomerIdsOf(config.tenants[0]!, targets)).toEqual({ doc: '42', psa: 7 });
  });

  it('refuses two documentation platforms, and a field the config cannot map', () => {
    expect(() =>
      loadConfig(
        configFile({ microsoft, itglue: { apiKey: 'k' }, hudu: { baseUrl: 'https://h.example', apiKey: 'k' } }),
        {},
      ),
    ).toThrow(/itglue and hudu/);
    expect(() =>
      loadConfig(
        configFile({ microsoft, hudu: { baseUrl: 'https://h.example', apiKey: 'k', fields: { fax: 'Fax' } } }),
        {},
      ),
    ).toThrow(/fax/);
  });

  it("links into Hudu's web app at the instance's address", () => {
    const app = huduWebApp({ baseUrl: 'https://msp.huducloud.com/' });
    expect(app.contactPage('42', '500')).toBe('https://msp.huducloud.com/companies/42/assets/500');
    expect(app.missingLink).toBeNull();
    expect(huduWebApp(null).contactPage('42', '500')).toBeNull();
  });
});
