#!/usr/bin/env node
// The `contactsync` command: the compiled CLI (dist/, built by `npm run build`, by `npm start` and before `npm pack`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(main)) await import(main.href);
else {
  process.stderr.write(
    `contactsync is not built here: run \`npm run build\` in ${new URL('..', import.meta.url).pathname}, then try again.\n`,
  );
  process.exitCode = 1;
}
