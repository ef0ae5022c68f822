import type { IngestProblem, ProblemKind } from './problems.ts';

const KINDS: readonly ProblemKind[] = [
  'missing', 'unreadable', 'empty', 'binary', 'malformed', 'too-long', 'truncated', 'unmatched', 'invalid-utf8', 'nul-byte', 'bad-number', 'long-event',
];
/** Sources remembered per format, for `logsleuth formats` and summaries; the rest are only counted. */
const SOURCES_KEPT_PER_FORMAT = 20;

/**
 * What an ingest run did: counts of records, bytes and sources, and the problems met on the way.
 * Every problem is counted; only the first `keepPerKind` of each kind are kept in full, so a file
 * with a million bad lines cannot fill memory with messages.
 * Adapters add their own problems (`missing`, `unreadable`) to the same report.
 */
export class IngestReport {
  /** Records yielded so far. */
  records = 0;
  /** Raw bytes read from the inputs (compressed size for compressed inputs). */
  bytes = 0;
  /** Inputs that were opened and read (possibly with problems). */
  sourcesRead = 0;
  /** Inputs that could not be read at all: missing, or failing before their first byte. A binary file counts as read (its problem says why it gave no records). */
  sourcesFailed = 0;
  /** How many problems of each kind, kept or not. */
  readonly counts: Record<ProblemKind, number>;
  /** The first `keepPerKind` problems of each kind, in the order they were met. */
  readonly problems: IngestProblem[] = [];
  /** How many files or archive entries were read as each format (preset name, `json-lines`, `plain text`…). */
  readonly formats = new Map<string, { count: number; sources: string[] }>();
  /** Notes for people that are not problems (a file read as plain text because no preset fits it). */
  readonly notes: string[] = [];

  constructor(readonly keepPerKind = 20) {
    this.counts = Object.fromEntries(KINDS.map((kind) => [kind, 0])) as Record<ProblemKind, number>;
  }

  /** Counts the problem and keeps it if fewer than `keepPerKind` of its kind are kept. */
  add(problem: IngestProblem): void {
    if (++this.counts[problem.kind] <= this.keepPerKind) this.problems.push(problem);
  }

  /**
   * Like {@link add}, but builds the message only when the problem will be kept
   * (for per-line problems on the hot path).
   */
  addLazy(kind: ProblemKind, source: string, line: number | undefined, message: () => string): void {
    if (++this.counts[kind] > this.keepPerKind) return;
    const problem: IngestProblem = { kind, source, message: message() };
    if (line !== undefined) problem.line = line;
    this.problems.push(problem);
  }

  /** Records that `source` was read as `format`. */
  noteFormat(source: string, format: string): void {
    const entry = this.formats.get(format) ?? { count: 0, sources: [] };
    entry.count++;
    if (entry.sources.length < SOURCES_KEPT_PER_FORMAT) entry.sources.push(source);
    this.formats.set(format, entry);
  }

  /** Keeps a note (the first `keepPerKind`; later ones are dropped, they repeat). */
  note(message: string): void {
    if (this.notes.length < this.keepPerKind) this.notes.push(message);
  }

  /** Total problems of all kinds. */
  get problemCount(): number {
    let total = 0;
    for (const kind of KINDS) total += this.counts[kind];
    return total;
  }

  /** The kept problems of one kind. */
  problemsOf(kind: ProblemKind): IngestProblem[] {
    return this.problems.filter((p) => p.kind === kind);
  }

  /** One line for people, e.g. `1204 records from 3 sources (1.2 MB); problems: 2 malformed, 1 too-long`. */
  summary(): string {
    const parts = KINDS.filter((kind) => this.counts[kind] > 0).map((kind) => `${this.counts[kind]} ${kind}`);
    const failed = this.sourcesFailed > 0 ? `, ${this.sourcesFailed} not read` : '';
    return `${this.records} records from ${this.sourcesRead} sources (${formatBytes(this.bytes)})${failed}; ` +
      (parts.length > 0 ? `problems: ${parts.join(', ')}` : 'no problems');
  }
}

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
