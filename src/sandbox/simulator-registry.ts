import type { z } from 'zod';
import type { TargetId } from '../domain/target-profile.ts';
import { autotaskSandbox } from './autotask/autotask-sandbox.ts';
import { bmsSandbox } from './bms/bms-sandbox.ts';
import { connectwiseSandbox } from './connectwise/connectwise-sandbox.ts';
import { haloSandbox } from './halo/halo-sandbox.ts';
import { huduSandbox } from './hudu/hudu-sandbox.ts';
import { itglueSandbox } from './itglue/itglue-sandbox.ts';
import type { SandboxTarget, TargetSimulator } from './sandbox-target.ts';

/**
 * The targets the sandbox can play, each its folder's descriptor. Adding one is a line here. A new one goes last: a
 * simulator's place here gives it its fault-injection random source, so that faulty runs replay, and, among targets
 * that a documentation platform's PSA integration mirrors, which one it follows when a seed has several.
 */
export const SIMULATED_TARGETS = [
  itglueSandbox,
  bmsSandbox,
  autotaskSandbox,
  huduSandbox,
  connectwiseSandbox,
  haloSandbox,
] as const;

type Registered = (typeof SIMULATED_TARGETS)[number];

/** The id of a target the sandbox plays: its key in the seed, the dump, `simulate` and `/_sim/faults`. */
export type SimulatedId = Registered['id'];

/** Each target's simulator, under its id. */
export type TargetSimulators = { readonly [T in Registered as T['id']]: ReturnType<T['start']> };

/** What the sandbox registers with each target's simulator, under the target's credentials key. */
export type TargetCredentials = { readonly [T in Registered as T['credentialsKey']]: ReturnType<T['newCredentials']> };

/** Each target's records in a seed, under its id, absent when the seed does not have it. */
export type TargetSeedShape = { [T in Registered as T['id']]: z.ZodOptional<T['seedSchema']> };

/** Each target's `simulate` entry, under its id. */
export type TargetSimulateShape = { [T in Registered as T['id']]: T['simulateSchema'] };

/** The targets the sandbox can play, their types forgotten: documentation platforms first. */
export const SANDBOX_TARGETS: readonly SandboxTarget[] = [
  ...SIMULATED_TARGETS.filter((target) => target.role === 'documentation'),
  ...SIMULATED_TARGETS.filter((target) => target.role === 'psa'),
];

export function sandboxTarget(id: TargetId): SandboxTarget | null {
  return SANDBOX_TARGETS.find((target) => target.id === id) ?? null;
}

/** The simulator of a target among the running ones, or null for an id the sandbox does not play. */
export function simulatorOf(simulators: TargetSimulators, id: TargetId): TargetSimulator | null {
  if (sandboxTarget(id) === null) return null;
  return (simulators as unknown as Readonly<Record<string, TargetSimulator | undefined>>)[id] ?? null;
}

/** The credentials the sandbox registers with every target's simulator, made anew. */
export function newTargetCredentials(secret: (prefix: string) => string): TargetCredentials {
  return Object.fromEntries(
    SIMULATED_TARGETS.map((target: SandboxTarget) => [target.credentialsKey, target.newCredentials(secret)]),
  ) as TargetCredentials;
}

/** A target's credentials among the sandbox's. */
export function credentialsOf(credentials: TargetCredentials, target: SandboxTarget): unknown {
  return Object.entries(credentials).find(([key]) => key === target.credentialsKey)?.[1];
}
