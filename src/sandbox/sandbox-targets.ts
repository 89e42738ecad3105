import { targetById } from '../connectors/registry.ts';
import type { TargetId, TargetRole } from '../domain/target-profile.ts';
import { autotaskDemo } from './autotask/demo.ts';
import { CONNECTWISE_PORT_OFFSET } from './connectwise/connectwise-sandbox.ts';
import { CONNECTWISE_CODEBASE } from './connectwise/connectwise-simulator.ts';
import { connectwiseDemo } from './connectwise/demo.ts';
import { demoSeed } from './demo-seed.ts';
import { haloDemo } from './halo/demo.ts';
import { huduDemoOf } from './hudu/demo.ts';
import type { RunningSimulators, SandboxCredentials } from './running-simulators.ts';
import { simulateSchema, type Seed, type SimulatedState } from './seed.ts';

/** A rate limit a simulator counts against: benchmarks and tests may change it. */
export interface SimulatedLimit {
  limit: number;
  windowMs: number;
}

/**
 * A target the sandbox plays: where its simulator listens, the config block that points its client there, its rate
 * limit, and the demo's customers on it.
 */
export interface SandboxTarget {
  readonly id: TargetId;
  readonly role: TargetRole;
  /** its simulator's port: login on N, Graph on N+1, the targets at their offsets (DESIGN.md, "Targets") */
  readonly portOffset: number;
  /** the target's config block that points at its simulator (`url`), with the credentials the sandbox registered */
  readonly configBlock: (url: string, credentials: SandboxCredentials) => Record<string, unknown>;
  readonly limiter: (sims: RunningSimulators) => SimulatedLimit;
  /**
   * The limit the demo plays instead of the vendor's, where the vendor's would keep the demo waiting for minutes: the
   * simulator counts against it and the sandbox's client keeps to it (a benchmark's compressed limit, for the demo).
   */
  readonly demoLimit?: SimulatedLimit;
  /**
   * The demo's records on this target, from the demo's own (IT Glue's for a documentation platform, BMS's for a PSA),
   * and its tenants where the target needs their settings changed.
   * `mirroredAs`: the integration type under which IT Glue mirrors the PSA's contacts, null when nothing is mirrored.
   */
  readonly demo: (demo: Seed, mirroredAs: string | null) => Partial<SimulatedState>;
  /** a documentation platform whose own PSA integration mirrors the PSA's contacts (IT Glue) */
  readonly mirrorsPsa?: boolean;
  /** a PSA whose contacts IT Glue's PSA integration mirrors: its integration type there */
  readonly mirroredAs?: string;
}

/** IT Glue's demo contacts, the mirrored ones under the PSA's integration type (or none, without such a PSA). */
function itglueDemo(demo: Seed, mirroredAs: string | null): Partial<SimulatedState> {
  if (demo.itglue === undefined || mirroredAs === 'kaseya-bms') return { itglue: demo.itglue };
  const organizations = demo.itglue.organizations.map((organization) => ({
    ...organization,
    contacts: organization.contacts.map((contact) =>
      contact['psa-integration'] === 'kaseya-bms' ? { ...contact, 'psa-integration': mirroredAs } : contact,
    ),
  }));
  return { itglue: { ...demo.itglue, organizations } };
}

/** The targets the sandbox can play, documentation platforms first. Adding one is a line here. */
export const SANDBOX_TARGETS: readonly SandboxTarget[] = [
  {
    id: 'itglue',
    role: 'documentation',
    portOffset: 2,
    configBlock: (url, c) => ({ region: 'us', apiKey: c.itglueApiKey, baseUrl: url }),
    limiter: (sims) => sims.itglue.limiter,
    demo: itglueDemo,
    mirrorsPsa: true,
  },
  {
    id: 'hudu',
    role: 'documentation',
    portOffset: 7,
    configBlock: (url, c) => ({ baseUrl: url, apiKey: c.huduApiKey }),
    limiter: (sims) => sims.hudu.limiter,
    demo: huduDemoOf,
  },
  {
    id: 'bms',
    role: 'psa',
    portOffset: 3,
    configBlock: (url, c) => ({ region: 'us', ...c.bms, baseUrl: url }),
    limiter: (sims) => sims.bms.limiter,
    demo: (demo) => ({ bms: demo.bms }),
    mirroredAs: 'kaseya-bms',
  },
  {
    id: 'autotask',
    role: 'psa',
    portOffset: 4,
    // the zone's URL, so that no zone is discovered, and its web address, as init writes it from the zone
    configBlock: (url, c) => ({ ...c.autotask, baseUrl: `${url}/atservicesrest/`, webUrl: `${url}/` }),
    limiter: (sims) => sims.autotask.budget,
    demo: (demo) => (demo.bms === undefined ? {} : { autotask: autotaskDemo(demo.bms) }),
    mirroredAs: 'autotask',
  },
  {
    id: 'connectwise',
    role: 'psa',
    portOffset: CONNECTWISE_PORT_OFFSET,
    // the API base, so that no codebase is discovered
    configBlock: (url, c) => ({
      site: new URL(url).host,
      ...c.connectwise,
      codebase: CONNECTWISE_CODEBASE,
      baseUrl: `${url}/${CONNECTWISE_CODEBASE}apis/3.0/`,
    }),
    limiter: (sims) => sims.connectwise.limiter,
    demo: (demo) => (demo.bms === undefined ? {} : { connectwise: connectwiseDemo(demo.bms) }),
    mirroredAs: 'manage',
  },
  {
    id: 'halo',
    role: 'psa',
    portOffset: 6,
    configBlock: (url, c) => ({ baseUrl: url, clientId: c.halo.clientId, secret: c.halo.secret }),
    limiter: (sims) => sims.halo.window,
    // Hosted Halo's 300 requests per rolling 5 minutes, of which contactsync spends half, would make the demo's first
    // sync last about ten minutes: its window lasts 10 s in the demo.
    demoLimit: { limit: 300, windowMs: 10_000 },
    demo: (demo) => (demo.bms === undefined ? {} : { halo: haloDemo(demo.bms, demo.tenants) }),
  },
];

export function sandboxTarget(id: TargetId): SandboxTarget | null {
  return SANDBOX_TARGETS.find((target) => target.id === id) ?? null;
}

/** The targets a demo can be played on: a simulator here and a client in the registry. */
export function demoTargetIds(): readonly TargetId[] {
  return SANDBOX_TARGETS.filter((target) => targetById(target.id) !== null).map((target) => target.id);
}

/** The targets of a demo: at most one per role. */
export interface DemoTargets {
  readonly doc: SandboxTarget | null;
  readonly psa: SandboxTarget | null;
}

/**
 * The targets a `--targets` list names (ids, comma-separated): known ones, at most one per role. The error names the
 * valid ids.
 */
export function demoTargetsNamed(list: string): DemoTargets {
  const valid = demoTargetIds();
  const ids = [...new Set(list.split(',').map((id) => id.trim()))].filter((id) => id !== '');
  const unknown = ids.filter((id) => !valid.includes(id));
  if (ids.length === 0 || unknown.length > 0)
    throw new Error(
      `--targets takes the ids of one documentation platform, one PSA or one of each, comma-separated: ${valid.join(', ')}${unknown.length === 0 ? '' : ` (not ${unknown.join(', ')})`}.`,
    );
  const ofRole = (role: TargetRole) => valid.filter((id) => sandboxTarget(id)!.role === role).join(', ');
  const pick = (role: TargetRole): SandboxTarget | null => {
    const named = ids.map((id) => sandboxTarget(id)!).filter((target) => target.role === role);
    if (named.length > 1)
      throw new Error(
        `--targets names two ${role === 'psa' ? 'PSAs' : 'documentation platforms'} (${named.map((t) => t.id).join(' and ')}): give at most one documentation platform (${ofRole('documentation')}) and one PSA (${ofRole('psa')}).`,
      );
    return named[0] ?? null;
  };
  return { doc: pick('documentation'), psa: pick('psa') };
}

/**
 * The demo's customers on the given targets: the same tenants and people, and the demo's IT Glue records translated
 * into the documentation platform's and its BMS records into the PSA's. On IT Glue and BMS it is the demo itself.
 * IT Glue keeps its mirrored contacts when the PSA is one it mirrors.
 */
export function demoSeedOn(targets: DemoTargets): Seed {
  const demo = demoSeed();
  if (targets.doc?.id === 'itglue' && targets.psa?.id === 'bms') return demo;
  const mirroredAs = targets.doc?.mirrorsPsa === true ? (targets.psa?.mirroredAs ?? null) : null;
  return {
    settings: demo.settings,
    tenants: demo.tenants,
    // a translation may give the tenants with settings its target needs
    ...targets.doc?.demo(demo, mirroredAs),
    ...targets.psa?.demo(demo, mirroredAs),
    simulate: simulateSchema.parse({
      itglue: { psaSynced: mirroredAs === null ? {} : demo.simulate.itglue.psaSynced },
    }),
  };
}

/** The limits the demo plays on its targets, by target id (`SandboxOptions.limits`). */
export function demoLimitsOn(targets: DemoTargets): Partial<Record<TargetId, SimulatedLimit>> {
  return Object.fromEntries(
    [targets.doc, targets.psa].flatMap((target) =>
      target?.demoLimit === undefined ? [] : [[target.id, target.demoLimit] as const],
    ),
  );
}

/** The ids of the targets a seed has (a key per target), in the registry's order. */
export function seedTargetIds(seed: object): readonly TargetId[] {
  const keys = seed as Readonly<Record<string, unknown>>;
  return SANDBOX_TARGETS.filter((target) => keys[target.id] !== undefined).map((target) => target.id);
}
