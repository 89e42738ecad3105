import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** where the CLI was compiled for this run, once for every test file that spawns it */
    cliBuild: string;
  }
}

const ROOT = join(import.meta.dirname, '..', '..');
export const CLI_BUILD_DIR = join(ROOT, 'dist-test');

/** Compiles the CLI from the current source into dist-test/, from scratch so that no file of an old build lingers. */
export function compileCli(): void {
  rmSync(CLI_BUILD_DIR, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      CLI_BUILD_DIR,
    ],
    { stdio: 'inherit' },
  );
}

/**
 * The integration project's global setup: the CLI is compiled once before any test file runs (not once per file, and
 * never by two workers into the same folder at once), and again when watch mode reruns tests after a change.
 */
export default function setup(project: TestProject): void {
  compileCli();
  project.provide('cliBuild', CLI_BUILD_DIR);
  project.onTestsRerun(() => compileCli());
}
