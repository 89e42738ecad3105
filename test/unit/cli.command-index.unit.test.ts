import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addCommands, COMMAND_MODULES, commandNamed, moduleOf } from '../../src/cli/command-index.ts';

describe('the index of commands that lets `contactsync --help` answer without loading them', () => {
  it('names every top-level command each module adds, and no other', async () => {
    for (const module of COMMAND_MODULES) {
      const cli = new Command('contactsync');
      (await module.load())(cli, () => 'contactsync.json');
      expect(cli.commands.map((command) => command.name()).sort()).toEqual(Object.keys(module.commands).sort());
    }
  }, 60_000);

  it('lists a loaded command with its line of the index, as the listing without loading it does', async () => {
    for (const module of COMMAND_MODULES) {
      const cli = new Command('contactsync');
      await addCommands(module, cli, () => 'contactsync.json');
      for (const command of cli.commands) {
        expect(command.summary()).toBe(module.commands[command.name()]);
        expect(command.description(), `${command.name()} --help`).not.toBe('');
      }
    }
  }, 60_000);

  it('finds the command in what a person types', () => {
    expect(commandNamed(['--config', 'x.json', 'sync', '--tenant', 'Contoso'])).toBe('sync');
    expect(commandNamed(['-c', 'sync', 'plan'])).toBe('plan');
    expect(commandNamed(['help', 'token'])).toBe('token');
    expect(commandNamed(['--help'])).toBeUndefined();
    expect(moduleOf('approve')?.commands).toHaveProperty('conflicts');
    expect(moduleOf('toString')).toBeUndefined();
  });
});
