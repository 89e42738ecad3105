import { demoSeed } from '../sandbox/demo-seed.ts';
import { demoLimitsOn, demoSeedOn, demoTargetIds, demoTargetsNamed } from '../sandbox/sandbox-targets.ts';
import { parseSeed, readSeedFile, type Seed } from '../sandbox/seed.ts';
import { DEFAULT_TARGET_IDS } from './known-targets.ts';

/** The `--targets` option of `sandbox` and `simulators`: its help, naming the ids it takes. */
export function targetsOptionHelp(): string {
  return `play the demo on these targets, comma-separated: one documentation platform, one PSA or one of each, of ${demoTargetIds().join(', ')} (default: ${DEFAULT_TARGET_IDS}); not with --seed`;
}

/**
 * The seed a command starts from: the file of `--seed`, else the demo on the targets of `--targets` (the demo itself
 * without). The two are refused together: a seed file names its targets by its keys.
 */
export async function seedOfOptions(options: { readonly seed?: string; readonly targets?: string }): Promise<Seed> {
  if (options.seed !== undefined && options.targets !== undefined)
    throw new Error(
      `--targets plays the demo on the targets it names (${demoTargetIds().join(', ')}); a --seed file names its targets by its own keys: give one or the other.`,
    );
  if (options.seed !== undefined) return readSeedFile(options.seed);
  const demo = options.targets === undefined ? demoSeed() : demoSeedOn(demoTargetsNamed(options.targets));
  return parseSeed(demo, 'the demo seed');
}

/** The limits the demo plays on the targets of `--targets`: none for a `--seed` file or the default demo. */
export function demoLimitsOfOptions(options: { readonly seed?: string; readonly targets?: string }) {
  return options.seed !== undefined || options.targets === undefined
    ? {}
    : demoLimitsOn(demoTargetsNamed(options.targets));
}
