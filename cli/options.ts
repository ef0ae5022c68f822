/** Options several commands share, defined once so they read the same everywhere. */
import { Command, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { UserInputError } from '../shared/errors.ts';
import { LinearRegExp } from '../shared/linear-regex.ts';
import type { IngestOptions } from '../shared/ingest/index.ts';

export interface InputFlags {
  format?: string;
  eventStart?: string;
  sessionField?: string[];
  sessionRegex?: string;
  messageField?: string[];
  durationField?: string[];
}

/** Adds the options that say how to read the inputs. */
export function withInputOptions(command: Command): Command {
  return command
    .option('--format <format>', "a preset (see `logsleuth formats`, e.g. alb, syslog, log4j) or a header format, e.g. '[<Date> <Time>] <Level> <Component>: <Content>' (default: sniffed per file)")
    .option('--event-start <regex>', 'lines matching it start a new event; other lines continue the one before (multi-line events no preset knows)')
    .option('--session-field <name...>', 'session id fields in priority order (default: correlation_id, request_id, trace_id, …)')
    .option('--session-regex <regex>', "take the session id from the message, e.g. 'blk_-?\\d+'")
    .option('--message-field <name...>', 'message fields in priority order (default: message, msg, log, …)')
    .option('--duration-field <name...>', 'duration fields in ms, e.g. took_ms (default: duration_ms, latency_ms, …)');
}

/** The ingest options of the flags; `--event-start` is checked here, before any input is read. */
export function ingestOptions(flags: InputFlags): IngestOptions {
  if (flags.eventStart !== undefined) linearRegex('--event-start', flags.eventStart);
  return {
    ...(flags.format !== undefined && { format: flags.format }),
    ...(flags.eventStart !== undefined && { eventStart: flags.eventStart }),
    ...(flags.sessionField && { sessionFields: flags.sessionField }),
    fields: {
      ...(flags.messageField && { message: flags.messageField }),
      ...(flags.durationField && { duration: flags.durationField }),
    },
  };
}

/** `--session-regex` on the linear-time engine; refused up front when it is invalid or needs backtracking. */
export function sessionRegex(flags: InputFlags): RegExp | undefined {
  return flags.sessionRegex === undefined ? undefined : linearRegex('--session-regex', flags.sessionRegex);
}

/** A user's pattern on the linear-time engine, or a {@link UserInputError} naming the option and the reason. */
function linearRegex(option: string, pattern: string): RegExp {
  try {
    return new LinearRegExp(pattern);
  } catch (error) {
    throw new UserInputError(`${option}: ${(error as Error).message}`);
  }
}

export interface WorkerFlags { workers: number; chunkSize: number }

/** 1 MiB: see `DEFAULT_CHUNK_BYTES` in cli/parallel/parallel-reading.ts (not imported here: it loads worker code). */
const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/**
 * `--workers <n>`: threads that parse JSON-lines input (and, in detection, match it against the
 * model); the result is the same with any number. `--chunk-size` (hidden, for tests) sets the bytes
 * of input each worker takes at a time.
 */
export function withWorkerOptions(command: Command): Command {
  return command
    .addOption(integerOption('--workers <n>', 'worker threads that parse and match JSON-lines input (1: all on the main thread; the result is the same)', availableParallelism(), 1, 256))
    .addOption(integerOption('--chunk-size <bytes>', 'bytes of input a worker takes at a time', DEFAULT_CHUNK_BYTES, 1, 2 ** 30).hideHelp());
}

/** A whole-number option with bounds, rejected with a clear message. */
function integerOption(flags: string, description: string, defaultValue: number, min: number, max: number): Option {
  return new Option(flags, description).default(defaultValue).argParser((value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new UserInputError(`${flags.split(' ')[0]} must be a whole number between ${min} and ${max}, got "${value}"`);
    return parsed;
  });
}

/** A number option with bounds, rejected with a clear message. */
export function numberOption(flags: string, description: string, defaultValue: number, min: number, max: number): Option {
  return new Option(flags, description).default(defaultValue).argParser((value) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min || parsed > max) throw new UserInputError(`${flags.split(' ')[0]} must be a number between ${min} and ${max}, got "${value}"`);
    return parsed;
  });
}

/** `--source <name>`: a source name as the cloud knows it (the `<source>` of `logs/<source>/`). */
export function sourceOption(description: string): Option {
  return new Option('--source <name>', description).argParser((value) => {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) throw new UserInputError(`--source must be 1 to 64 letters, digits, '.', '_' or '-', got "${value}"`);
    return value;
  });
}

/** `--store <dir>`: the result store's directory (default `.logsleuth/` in the current directory). */
export function storeOptions(command: Command, description: string): Command {
  return command.option('--store <dir>', `${description} (default: .logsleuth in the current directory)`);
}
