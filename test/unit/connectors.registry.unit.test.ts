import { describe, expect, it } from 'vitest';
import { apiLimitOf } from '../../src/connectors/api-budgets.ts';
import { createTargetClients, TARGETS, targetsOfBlocks } from '../../src/connectors/registry.ts';

const itglue = { region: 'eu', apiKey: 'ITG.key', subdomain: 'msp' };
const bms = { region: 'us', userName: 'api', password: 'secret', tenant: 'MSP' };

describe('the clients of the targets a config names', () => {
  it('are built one per role present, and none for a role the config lacks', () => {
    const both = createTargetClients(targetsOfBlocks({ itglue, bms }), { itglue, bms }, {});
    expect(both.doc).not.toBeNull();
    expect(both.psa).not.toBeNull();
    const psaAlone = createTargetClients(targetsOfBlocks({ bms, itglue: null }), { bms, itglue: null }, {});
    expect(psaAlone).toEqual({ doc: null, psa: expect.anything() });
    const documentationAlone = createTargetClients(targetsOfBlocks({ itglue }), { itglue }, {});
    expect(documentationAlone).toEqual({ doc: expect.anything(), psa: null });
  });

  it('refuses a block the client cannot work with, naming the key', () => {
    expect(() =>
      createTargetClients(targetsOfBlocks({ bms: { region: 'mars' } }), { bms: { region: 'mars' } }, {}),
    ).toThrow(/region/);
  });
});

describe("each target's request budget", () => {
  it("comes from its profile, at the profile's default share", () => {
    for (const target of TARGETS)
      expect(apiLimitOf(target.id)).toEqual({
        limit: Math.floor(target.budget.limit * target.budget.defaultShare),
        windowMs: target.budget.windowMs,
      });
    expect(() => apiLimitOf('nowhere')).toThrow(/no API named nowhere/);
  });
});
