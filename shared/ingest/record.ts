/** Severity names every input format is normalised to. */
export type Level = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

/**
 * One log record, whatever format it came from.
 * Optional fields are absent (not undefined-valued) when the input had no such field.
 */
export interface LogRecord {
  /** Where it came from: a file path, or `archive.tgz!inner/path.log` for archive entries. */
  source: string;
  /** 1-based line number in its source (for a JSON array: the element's 1-based index). */
  line: number;
  /** The free-text message that templates are mined from (the first line of a multi-line event). */
  message: string;
  /**
   * The rest of a multi-line event (stack trace, traceback, panic dump), without its first line:
   * kept for context and explanation, never mined.
   */
  detail?: string;
  level?: Level;
  /** Epoch milliseconds. */
  timestamp?: number;
  durationMs?: number;
  /** Correlation / request / trace id that groups records of one request or session. */
  sessionId?: string;
  service?: string;
  /** Other header fields of plain-text formats (e.g. Component, Pid). */
  fields?: Record<string, string>;
}
