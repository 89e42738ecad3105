import { describe, expect, it } from 'vitest';
import { targetById } from '../../src/connectors/registry.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { SANDBOX_TARGETS } from '../../src/sandbox/simulator-registry.ts';

describe('the registry of the targets the sandbox plays', () => {
  it('keeps every port DESIGN.md gives, login on N and Graph on N+1, each simulator on its own', () => {
    const ports = Object.fromEntries(SANDBOX_TARGETS.map((target) => [target.id, target.portOffset]));
    expect(ports).toEqual({ itglue: 2, bms: 3, autotask: 4, connectwise: 5, halo: 6, hudu: 7 });
    expect(new Set(Object.values(ports)).size).toBe(SANDBOX_TARGETS.length);
  });

  it("gives each simulator the role of the target whose client the connectors' registry has", () => {
    for (const target of SANDBOX_TARGETS)
      expect([target.id, targetById(target.id)?.role]).toEqual([target.id, target.role]);
  });

  it('reads every target key of a seed, refuses a knob under an unknown target, and plays IT Glue and BMS by default', () => {
    const seed = parseSeed({ autotask: {}, halo: {}, simulate: { halo: { pageSizeCap: 7 } } });
    expect(Object.keys(seed).filter((key) => SANDBOX_TARGETS.some((t) => t.id === key))).toEqual(['autotask', 'halo']);
    expect(Object.keys(seed.simulate).sort()).toEqual(SANDBOX_TARGETS.map((t) => t.id).sort());
    expect(() => parseSeed({ simulate: { nosuch: {} } })).toThrow(/simulate/);
    const empty = parseSeed({});
    expect([empty.itglue?.organizations, empty.bms?.accounts, empty.autotask, empty.hudu]).toEqual([
      [],
      [],
      undefined,
      undefined,
    ]);
  });
});
