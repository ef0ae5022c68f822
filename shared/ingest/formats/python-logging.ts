/**
 * Python `logging` output: the cookbook pattern `%(asctime)s - %(name)s - %(levelname)s - %(message)s`
 * (and its nameless `%(asctime)s - %(levelname)s - %(message)s` variant), and `basicConfig`'s
 * default `%(levelname)s:%(name)s:%(message)s`. Tracebacks do not parse and are folded into the
 * record before them (`multiline: 'header'`).
 */
import type { Level, LogRecord } from '../record.ts';
import { parseTimestamp } from '../normalize.ts';
import type { TextParser, TextPreset } from './preset.ts';

/** Python's level names (plus the `WARN`/`FATAL` aliases it accepts when logging). */
const LEVELS: Record<string, Level> = {
  DEBUG: 'DEBUG', INFO: 'INFO', WARNING: 'WARN', WARN: 'WARN', ERROR: 'ERROR', CRITICAL: 'FATAL', FATAL: 'FATAL',
};
const LEVEL = '(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)';

// asctime is `%Y-%m-%d %H:%M:%S,mmm`; a custom datefmt often drops the milliseconds.
// `name - ` is optional; a logger name has no spaces.
const PATTERN = new RegExp(
  `^(\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d{1,6})?) - (?:(\\S+) - )?${LEVEL} - (.*)$`,
  's',
);
// `WARNING:root:message`: the name has no colon or space (a uvicorn `INFO:     …` line is not this).
const BASIC = new RegExp(`^${LEVEL}:([^\\s:]+):(.*)$`, 's');

/** Python logging preset. */
export const pythonLoggingPreset: TextPreset = {
  name: 'python-logging',
  title: 'Python logging (asctime - name - levelname - message, basicConfig LEVEL:name:message)',
  framing: 'text',
  multiline: 'header',
  provides: { duration: false, level: true, session: false, service: true },
  mapping: [
    'message: the %(message)s part',
    'level: levelname (WARNING → WARN, CRITICAL → FATAL)',
    'service: the logger name (root, __main__, app.db …)',
    'session: none',
    'duration: none',
    'timestamp: asctime (UTC: Python writes local time without a zone); basicConfig lines have none',
  ],
  create(): TextParser {
    return {
      parse(line: string, source: string, lineNo: number): LogRecord | undefined {
        const first = line.charCodeAt(0);
        if (first >= 48 && first <= 57) {
          const m = PATTERN.exec(line);
          if (!m) return undefined;
          const timestamp = parseTimestamp(m[1]!);
          if (timestamp === undefined) return undefined;
          const record: LogRecord = { source, line: lineNo, message: m[4]!, level: LEVELS[m[3]!]!, timestamp };
          if (m[2] !== undefined) record.service = m[2];
          return record;
        }
        const m = BASIC.exec(line);
        if (!m) return undefined;
        return { source, line: lineNo, message: m[3]!, level: LEVELS[m[1]!]!, service: m[2]! };
      },
    };
  },
};
