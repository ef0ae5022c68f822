/**
 * The `logsleuth` command. Each sub-command lives in cli/commands/; this file only wires them up
 * and turns errors into one readable line (a stack trace only with --debug).
 */
import { Command, CommanderError } from 'commander';
import { LogsleuthError } from '../shared/errors.ts';
import { analyzeCommand, detectCommand, trainCommand } from './commands/analyze.ts';
import { formatsCommand } from './commands/formats.ts';
import { runsCommand, showCommand } from './commands/runs.ts';
import { serveCommand } from './commands/serve.ts';
import { templatesCommand } from './commands/templates.ts';
import { NothingReadError } from './input.ts';
import { showControls } from './output/escape.ts';

/** Runs the CLI with `argv` (as in process.argv) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('logsleuth')
    .description('Find what is not normal in your logs, with the whole session around it.')
    .option('--debug', 'show stack traces for errors')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  program.addCommand(analyzeCommand());
  program.addCommand(trainCommand());
  program.addCommand(detectCommand());
  program.addCommand(templatesCommand());
  program.addCommand(formatsCommand());
  program.addCommand(runsCommand());
  program.addCommand(showCommand());
  program.addCommand(serveCommand());

  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    // Its problems were printed already, one line each.
    if (error instanceof NothingReadError) return 1;
    const debug = program.opts<{ debug?: boolean }>().debug || argv.includes('--debug');
    if (debug) process.stderr.write(`${(error as Error).stack}\n`);
    else if (error instanceof LogsleuthError) process.stderr.write(`logsleuth: ${showControls(error.message)}\n`);
    else process.stderr.write(`logsleuth: unexpected error: ${showControls((error as Error).message)} (run with --debug for details)\n`);
    return 1;
  }
}
