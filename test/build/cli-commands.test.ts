/** cli/main.ts lists the commands without loading them: the list must match the real commands. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, requestedCommand } from '../../cli/main.ts';

describe('the lazily loaded command list', () => {
  it.each(COMMANDS.map((entry) => [entry.name, entry] as const))('describes %s exactly as its real command does', async (_name, entry) => {
    const real = await entry.load();
    expect(real.name()).toBe(entry.name);
    expect(real.description()).toBe(entry.description);
    // commander's own command-list term for the real command, as the help printed it before.
    expect(new Command().createHelp().subcommandTerm(real)).toBe(`${entry.name} ${entry.usage}`);
  });

  it('finds the command after program options and after "help"', () => {
    expect(requestedCommand(['--debug', 'analyze', 'a.log'])).toBe('analyze');
    expect(requestedCommand(['help', 'show'])).toBe('show');
    expect(requestedCommand(['--help'])).toBeUndefined();
  });
});
