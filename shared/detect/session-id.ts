import type { LogRecord } from '../ingest/record.ts';
import { LinearRegExp } from '../linear-regex.ts';

/**
 * Fills `sessionId` from the message for records whose fields had none
 * (e.g. `blk_-?\d+` for HDFS blocks). The first match wins; a capture group, if any, is the id.
 * The pattern runs on the linear-time engine whatever `RegExp` it came as: it is the user's, and
 * a backtracking one could hang the run on one hostile message.
 *
 * @throws {UnsafePatternError} when the pattern needs backtracking (back-references, lookaround).
 */
export function sessionIdFromMessage(pattern: RegExp): (record: LogRecord) => void {
  const regex = pattern instanceof LinearRegExp ? pattern : new LinearRegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return (record) => {
    if (record.sessionId !== undefined) return;
    const match = regex.exec(record.message);
    if (match) record.sessionId = match[1] ?? match[0];
  };
}
