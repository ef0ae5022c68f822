import type { LogRecord } from '../ingest/record.ts';

/**
 * Fills `sessionId` from the message for records whose fields had none
 * (e.g. `blk_-?\d+` for HDFS blocks). The first match wins; a capture group, if any, is the id.
 */
export function sessionIdFromMessage(pattern: RegExp): (record: LogRecord) => void {
  const regex = new RegExp(pattern.source, pattern.flags.replace('g', ''));
  return (record) => {
    if (record.sessionId !== undefined) return;
    const match = regex.exec(record.message);
    if (match) record.sessionId = match[1] ?? match[0];
  };
}
