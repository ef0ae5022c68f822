/**
 * The `logsleuth` command. Each sub-command lives in cli/commands/; this file only wires them up
 * and turns errors into one readable line (a stack trace only with --debug).
 *
 * Sub-commands are loaded lazily: `--help` lists them from {@link COMMANDS} without importing
 * their modules (ingest, detection, the AWS SDK...), and only the module of the command that
 * runs is imported, so the bundled CLI starts in a fraction of the time.
 */
import { Command, CommanderError } from 'commander';
import { LogsleuthError } from '../shared/errors.ts';
import { showControls } from './output/escape.ts';

/** A sub-command as the top-level help lists it, and how to build the real one. */
export interface CommandEntry {
  name: string;
  /** What follows the name in the help's command list, e.g. `[options] <paths...>`. */
  usage: string;
  description: string;
  load: () => Promise<Command>;
}

/**
 * Every sub-command, in help order. The names, usages and descriptions must equal the real
 * commands' (test/build/cli-commands.test.ts compares them).
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'analyze', usage: '[options] <paths...>', description: 'train on a baseline, detect anomalies in the input, explain them (offline)',
    load: async () => (await import('./commands/analyze.ts')).analyzeCommand(),
  },
  {
    name: 'train', usage: '[options] <paths...>', description: 'learn what normal looks like from baseline logs and save the model',
    load: async () => (await import('./commands/analyze.ts')).trainCommand(),
  },
  {
    name: 'detect', usage: '[options] <paths...>', description: 'find anomalies in logs against a trained model',
    load: async () => (await import('./commands/analyze.ts')).detectCommand(),
  },
  {
    name: 'templates', usage: '[options] <paths...>', description: 'mine log templates ("User 123 logged in" → "User {num} logged in")',
    load: async () => (await import('./commands/templates.ts')).templatesCommand(),
  },
  {
    name: 'formats', usage: '[options] [paths...]', description: 'list the format presets, or show how each file is read (preset, field mapping, first records)',
    load: async () => (await import('./commands/formats.ts')).formatsCommand(),
  },
  {
    name: 'runs', usage: '[options]', description: 'list the stored runs, newest first',
    load: async () => (await import('./commands/runs.ts')).runsCommand(),
  },
  {
    name: 'show', usage: '[options] <runId>', description: 'show a stored run: its anomalies, ranked, with their sessions and explanations',
    load: async () => (await import('./commands/runs.ts')).showCommand(),
  },
  {
    name: 'serve', usage: '[options]', description: 'serve the results API and a dashboard over the stored runs (http://127.0.0.1:8787)',
    load: async () => (await import('./commands/serve.ts')).serveCommand(),
  },
];

/**
 * The sub-command `args` (argv without node and the script) names: the first word that is not an
 * option, or the one after `help`. Sound because the only program option, --debug, takes no value.
 */
export function requestedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** A help-only stand-in: its name and description for the command list, nothing to run. */
function listedOnly(entry: CommandEntry): Command {
  return new Command(entry.name).description(entry.description).usage(entry.usage);
}

/** Runs the CLI with `argv` (as in process.argv) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('logsleuth')
    .description('Find what is not normal in your logs, with the whole session around it.')
    .option('--debug', 'show stack traces for errors')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) })
    // The command list shows each usage as given, so a stand-in reads exactly like the real command.
    .configureHelp({ subcommandTerm: (command) => `${command.name()} ${command.usage()}` });
  const wanted = requestedCommand(argv.slice(2));
  for (const entry of COMMANDS) program.addCommand(entry.name === wanted ? await entry.load() : listedOnly(entry));

  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    // Its problems were printed already, one line each. (Imported here: input.ts pulls in ingest.)
    const { NothingReadError } = await import('./input.ts');
    if (error instanceof NothingReadError) return 1;
    const debug = program.opts<{ debug?: boolean }>().debug || argv.includes('--debug');
    if (debug) process.stderr.write(`${(error as Error).stack}\n`);
    else if (error instanceof LogsleuthError) process.stderr.write(`logsleuth: ${showControls(error.message)}\n`);
    else process.stderr.write(`logsleuth: unexpected error: ${showControls((error as Error).message)} (run with --debug for details)\n`);
    return 1;
  }
}
