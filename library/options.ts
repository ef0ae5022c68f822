/**
 * How the library reads its inputs: the CLI's input options (`--format`, `--event-start`,
 * `--session-field`, `--session-regex`, `--message-field`, `--duration-field`), under camelCase
 * names, turned into ingest options by the very functions the CLI uses, so both read logs alike.
 */
import type { IngestOptions } from '../shared/ingest/index.ts';
import { ingestOptions, sessionRegex, type InputFlags } from '../cli/options.ts';

/** How to read the logs; every field is optional and defaults to what the CLI does without the flag. */
export interface InputOptions {
  /**
   * A preset name (`alb`, `syslog`, `log4j`… as `logsleuth formats` lists them) or a header format
   * such as `'[<Date> <Time>] <Level> <Component>: <Content>'` (`--format`). Default: sniffed per file.
   */
  format?: string;
  /** Lines matching this regex start a new event; other lines continue the one before (`--event-start`, multi-line events). */
  eventStart?: string;
  /** Session id field(s), in priority order (`--session-field`). Default: correlation_id, request_id, trace_id, … */
  sessionIdField?: string | string[];
  /** Takes the session id out of the message, e.g. `'blk_-?\\d+'` (`--session-regex`; linear-time engine, no backtracking). */
  sessionRegex?: string;
  /** Message field(s), in priority order (`--message-field`). Default: message, msg, log, … */
  messageField?: string | string[];
  /** Duration field(s) in ms, in priority order (`--duration-field`). Default: duration_ms, latency_ms, … */
  durationField?: string | string[];
}

/** The ingest options and session regex of `options`; invalid patterns throw `UserInputError` before anything is read. */
export function readingOptions(options: InputOptions): { ingest: IngestOptions; sessionRegex?: RegExp } {
  const flags: InputFlags = {
    ...(options.format !== undefined && { format: options.format }),
    ...(options.eventStart !== undefined && { eventStart: options.eventStart }),
    ...(options.sessionIdField !== undefined && { sessionField: list(options.sessionIdField) }),
    ...(options.sessionRegex !== undefined && { sessionRegex: options.sessionRegex }),
    ...(options.messageField !== undefined && { messageField: list(options.messageField) }),
    ...(options.durationField !== undefined && { durationField: list(options.durationField) }),
  };
  const regex = sessionRegex(flags);
  return { ingest: ingestOptions(flags), ...(regex && { sessionRegex: regex }) };
}

const list = (value: string | string[]): string[] => (typeof value === 'string' ? [value] : value);
