import { Prompter } from './prompt.ts';
import { writeOut } from './terminal-text.ts';

/**
 * Whether to go ahead with what was just listed (`what`: "approve these 13 inactivations"): with --yes, yes; at a
 * terminal, when "yes" is typed; else "Nothing done yet: add --yes to …" and exit code 1, so that a script sees that
 * nothing was done (a preview, not an error: nothing on stderr).
 */
export async function goAhead(yes: boolean | undefined, what: string): Promise<boolean> {
  if (yes === true) return true;
  if (process.stdin.isTTY !== true) {
    writeOut(`Nothing done yet: add --yes to ${what}.\n`);
    process.exitCode = 1;
    return false;
  }
  const prompter = new Prompter();
  try {
    const answer = await prompter.ask(`${what[0]!.toUpperCase()}${what.slice(1)}? Type yes to go ahead`);
    if (answer.toLowerCase() === 'yes') return true;
  } finally {
    prompter.close();
  }
  writeOut('Nothing was done.\n');
  return false;
}
