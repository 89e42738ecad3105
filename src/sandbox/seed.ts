import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseJsonText } from '../config/json-text.ts';
import { issueInWords, schemaKeysAt } from '../domain/issue-words.ts';
import {
  SIMULATED_TARGETS,
  type SimulatedId,
  type TargetSeedShape,
  type TargetSimulateShape,
} from './simulator-registry.ts';
import type { SandboxTarget } from './sandbox-target.ts';
import { tenantSeedSchema } from './tenant-seed.ts';

export { graphUserSeedSchema, type GraphUserSeed, type TenantSeed } from './tenant-seed.ts';
export type { ItGlueContactSeed, ItGlueSeed } from './itglue/itglue-seed.ts';
export type { BmsContactSeed, BmsSeed } from './bms/bms-seed.ts';

/**
 * The seed file of the sandbox (DESIGN.md, "Sandbox interface"): the tenants with their users in Graph's wire shape,
 * and one key per target present (its id: `itglue`, `bms`, ...) holding that vendor's records in its own wire shape,
 * as the target's folder defines them. The dump has the same keys: `tenants`, and each target's where the seed has it.
 */

const targets: readonly SandboxTarget[] = SIMULATED_TARGETS;

/** Each target's records, under its id. */
const targetRecords = Object.fromEntries(
  targets.map((target) => [target.id, target.seedSchema.optional()]),
) as TargetSeedShape;

/**
 * How the simulators play a vendor that differs from what the connectors expect (DESIGN.md, "The simulators on
 * their own"), each under its target's id. Unknown keys are refused, so that a misspelt knob does not silently
 * simulate nothing.
 */
export const simulateSchema = z
  .strictObject(Object.fromEntries(targets.map((target) => [target.id, target.simulateSchema])) as TargetSimulateShape)
  .prefault({});
export type Simulate = z.infer<typeof simulateSchema>;

/**
 * A target's key present in the seed means the installation has that target: its simulator starts and the dump has
 * its key. A seed naming no target plays the targets played by default (IT Glue and BMS), empty, as it always has.
 */
const seedKeysSchema = z.object({
  settings: z.record(z.string(), z.unknown()).default({}),
  tenants: z.array(tenantSeedSchema).default([]),
  ...targetRecords,
  simulate: simulateSchema,
});

export type Seed = z.output<typeof seedKeysSchema>;

export const seedSchema = seedKeysSchema.transform((seed): Seed =>
  targets.some((target) => (seed as Readonly<Record<string, unknown>>)[target.id] !== undefined)
    ? seed
    : {
        ...seed,
        ...Object.fromEntries(
          targets.filter((target) => target.byDefault === true).map((t) => [t.id, t.seedSchema.parse({})]),
        ),
      },
);

/** The records of the simulated systems, in the seed's shape: one key per target present. */
export type SimulatedState = Pick<Seed, 'tenants' | SimulatedId>;

/** Thrown with every problem of a seed at once, each named by its path. */
export class SeedError extends Error {
  readonly code = 'Validation';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid seed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SeedError';
  }
}

export function parseSeed(value: unknown, source = 'seed'): Seed {
  const parsed = seedSchema.safeParse(value);
  if (!parsed.success) {
    throw new SeedError(
      source,
      parsed.error.issues.map(
        (issue) =>
          `${issue.path.map(String).join('.') || '(root)'}: ${issueInWords(issue, (at) => schemaKeysAt(seedKeysSchema, at))}`,
      ),
    );
  }
  return parsed.data;
}

export async function readSeedFile(path: string): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SeedError(path, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseSeed(parseJsonText(text, path), path);
}
