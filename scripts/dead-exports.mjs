#!/usr/bin/env node
// Lists the exports of src/ that no other file names: an export used only in its own file (drop the `export`), or
// used nowhere (drop it). Names are matched as words, so a name only mentioned in a comment elsewhere counts as used.
// Usage: node scripts/dead-exports.mjs [folder to leave out ...]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const leftOut = process.argv.slice(2).map((folder) => folder.replace(/\/$/, '') + '/');
const files = ['src', 'test', 'bench', 'scripts'].flatMap((root) =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs|js)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name)),
);
const text = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
const declaration =
  /^export (?:declare )?(?:async )?(?:function\*?|const|let|class|interface|type|enum|abstract class) (\w+)/gm;
let found = 0;
for (const file of files.filter((f) => f.startsWith('src/') && !leftOut.some((folder) => f.startsWith(folder)))) {
  for (const [, name] of text.get(file).matchAll(declaration)) {
    const word = new RegExp(`\\b${name}\\b`);
    if (files.some((other) => other !== file && word.test(text.get(other)))) continue;
    const inside = text.get(file).match(new RegExp(word, 'g')).length;
    console.log(`${file}: ${name} ${inside > 1 ? 'is used only in its own file' : 'is used nowhere'}`);
    found += 1;
  }
}
console.log(`${found} export(s) no other file names`);
