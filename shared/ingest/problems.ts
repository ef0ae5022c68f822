/** What kind of trouble an input had. */
export type ProblemKind =
  | 'missing'        // path does not exist
  | 'unreadable'     // I/O error
  | 'empty'          // zero bytes / zero records
  | 'binary'         // not a log file
  | 'malformed'      // a JSON line that does not parse
  | 'too-long'       // a line over the size limit, skipped
  | 'truncated'      // compressed stream or archive ends early
  | 'unmatched'      // plain-text line that does not match --format (kept as a whole-line record)
  | 'invalid-utf8'   // bytes replaced by U+FFFD
  | 'nul-byte'       // NUL bytes in a line, replaced by U+FFFD (the line is kept)
  | 'bad-number'     // a JSON NaN/Infinity value, left out (the record is kept)
  | 'long-event';    // a multi-line event over the line/size cap: its tail was cut (the event is kept)

/** One problem a person should read about; `line` / `byteOffset` when known. */
export interface IngestProblem {
  kind: ProblemKind;
  source: string;
  line?: number;
  byteOffset?: number;
  message: string;
}
