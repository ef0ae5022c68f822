/**
 * Second pass of detection: collects just the records that anomalies need as context
 * (their sessions, sampled when long, and ±radius windows for records without a session),
 * so memory grows with what is shown, never with the input. Its `select` lets ingest skip
 * parsing every other line, which makes the second pass far cheaper than the first.
 */
import type { LineSelector } from '../ingest/ingest.ts';
import type { Level, LogRecord } from '../ingest/record.ts';
import { sessionKey } from './session-key.ts';
import type { ContextLog, RecordRef } from './types.ts';

export type { RecordRef } from './types.ts';

/** A session to collect, by its key (see sessionKey), with its id and its true size from the first pass. */
export interface PlannedSession { total: number; id: string }

export interface ContextPlan {
  /** Sessions to collect, by key. */
  sessions: Map<number, PlannedSession>;
  /** Records without a session that need a window around them. */
  windows: RecordRef[];
  /** Anomalous records: always kept, marked, and available through {@link ContextCollector.anchor}. */
  marked: RecordRef[];
  /** Most records shown for one session (default 200). */
  maxSessionLogs?: number;
  /** Records before and after a window's centre (default 10). */
  windowRadius?: number;
}

interface SessionSample { id: string; total: number; seen: number; warnKept: number; logs: ContextLog[] }
interface Window { centre: number; before: ContextLog[]; centreLog?: ContextLog; after: ContextLog[] }

/** A collector's state in plain data, to continue a second pass in another process. */
export interface ContextCollectorState {
  plan: { sessions: [number, PlannedSession][]; windows: RecordRef[]; marked: RecordRef[]; maxSessionLogs: number; windowRadius: number };
  sessions: [number, SessionSample][];
  windows: [string, Window][];
  anchors: [string, { log: ContextLog; sessionId?: string }][];
}

const WARN_PLUS = new Set<Level | undefined>(['WARN', 'ERROR', 'FATAL']);
const EDGE = 20;
const keyOf = (source: string, line: number) => `${line}\u0000${source}`;

export class ContextCollector {
  /** Tells ingest which lines this pass needs: inside a window's line range, or mentioning a wanted session id. */
  readonly select: LineSelector;
  private readonly sessions = new Map<number, SessionSample>();
  private readonly mentionsSession?: RegExp;
  private readonly windows = new Map<string, Window>();
  private readonly windowsBySource = new Map<string, { key: string; from: number; to: number }[]>();
  private readonly marked: Set<string>;
  private readonly anchors = new Map<string, { log: ContextLog; sessionId?: string }>();
  private readonly maxSessionLogs: number;
  private readonly radius: number;

  constructor(private readonly plan: ContextPlan, private readonly templateOf: (message: string) => string | undefined) {
    this.maxSessionLogs = plan.maxSessionLogs ?? 200;
    this.radius = plan.windowRadius ?? 10;
    this.marked = new Set(plan.marked.map((r) => keyOf(r.source, r.line)));
    for (const [key, { total, id }] of plan.sessions) this.sessions.set(key, { id, total, seen: 0, warnKept: 0, logs: [] });
    // Line numbers count blank and malformed lines too, so a window's line range gets slack; it is cut to `radius` records at the end.
    const slack = this.radius * 3 + 20;
    for (const { source, line } of plan.windows) {
      const key = keyOf(source, line);
      this.windows.set(key, { centre: line, before: [], after: [] });
      const list = this.windowsBySource.get(source) ?? [];
      list.push({ key, from: line - slack, to: line + slack });
      this.windowsBySource.set(source, list);
    }
    this.mentionsSession = this.sessionPattern();
    this.select = this.selector();
  }

  /** Feed the records of the second pass in input order (only selected ones are needed). */
  add(record: LogRecord): void {
    const key = keyOf(record.source, record.line);
    const anomalous = this.marked.has(key);
    if (anomalous) {
      this.anchors.set(key, { log: this.toContextLog(record, true), ...(record.sessionId !== undefined && { sessionId: record.sessionId }) });
    }
    if (record.sessionId !== undefined) {
      const session = this.sessions.get(sessionKey(record.sessionId));
      if (session && session.id === record.sessionId) this.sampleSessionRecord(session, record, anomalous);
    }
    const windows = this.windowsBySource.get(record.source);
    if (windows) {
      for (const range of windows) {
        if (record.line < range.from || record.line > range.to) continue;
        const window = this.windows.get(range.key)!;
        const log = this.toContextLog(record, anomalous);
        if (record.line < window.centre) {
          window.before.push(log);
          if (window.before.length > this.radius) window.before.shift();
        } else if (record.line === window.centre) window.centreLog = log;
        else if (window.after.length < this.radius) window.after.push(log);
      }
    }
  }

  /** The collected (possibly sampled) records of a session, in input order, and its id. */
  sessionLogs(key: number): { id: string; logs: ContextLog[]; total: number; truncated: boolean } | undefined {
    const session = this.sessions.get(key);
    if (!session) return undefined;
    return { id: session.id, logs: session.logs, total: session.total, truncated: session.logs.length < session.total };
  }

  /** The window around a record: up to radius records before and after it, same source. */
  windowLogs(ref: RecordRef): ContextLog[] | undefined {
    const window = this.windows.get(keyOf(ref.source, ref.line));
    if (!window?.centreLog) return undefined;
    return [...window.before, window.centreLog, ...window.after];
  }

  /** A marked record as seen in the second pass. */
  anchor(ref: RecordRef): { log: ContextLog; sessionId?: string } | undefined {
    return this.anchors.get(keyOf(ref.source, ref.line));
  }

  /** Everything collected so far, as plain data. */
  toJSON(): ContextCollectorState {
    return {
      plan: { sessions: [...this.plan.sessions], windows: this.plan.windows, marked: this.plan.marked, maxSessionLogs: this.maxSessionLogs, windowRadius: this.radius },
      sessions: [...this.sessions],
      windows: [...this.windows],
      anchors: [...this.anchors],
    };
  }

  /** Continues from {@link toJSON} output. */
  static fromJSON(state: ContextCollectorState, templateOf: (message: string) => string | undefined): ContextCollector {
    const { plan } = state;
    const collector = new ContextCollector({ ...plan, sessions: new Map(plan.sessions) }, templateOf);
    for (const [key, sample] of state.sessions) collector.sessions.set(key, sample);
    for (const [key, window] of state.windows) collector.windows.set(key, window);
    for (const [key, anchor] of state.anchors) collector.anchors.set(key, anchor);
    return collector;
  }

  private selector(): LineSelector {
    return (source, line, text) => {
      if (this.mentionsSession?.test(text)) return true;
      if (this.marked.has(keyOf(source, line))) return true;
      const windows = this.windowsBySource.get(source);
      return windows !== undefined && windows.some((w) => line >= w.from && line <= w.to);
    };
  }

  /** Matches a raw line that mentions a wanted session id, as written in JSON (escaped) or as is. */
  private sessionPattern(): RegExp | undefined {
    const ids = [...this.sessions.values()].map((s) => s.id);
    const literals = [...new Set(ids.flatMap((id) => [id, JSON.stringify(id).slice(1, -1)]))];
    return literals.length ? new RegExp(literals.map(escapeRegExp).join('|')) : undefined;
  }

  /**
   * Keeps every record of a short session; of a long one: anomalous records, the first and last
   * EDGE, WARN+ up to a quarter of the budget, and an even spread of the rest.
   */
  private sampleSessionRecord(session: SessionSample, record: LogRecord, anomalous: boolean): void {
    const position = session.seen++;
    let keep = session.total <= this.maxSessionLogs || anomalous || position < EDGE || position >= session.total - EDGE;
    if (!keep && WARN_PLUS.has(record.level) && session.warnKept < this.maxSessionLogs / 4) {
      session.warnKept++;
      keep = true;
    }
    if (!keep) {
      const spreadBudget = Math.max(1, this.maxSessionLogs - 2 * EDGE - Math.floor(this.maxSessionLogs / 4));
      const stride = Math.ceil((session.total - 2 * EDGE) / spreadBudget);
      keep = (position - EDGE) % stride === 0;
    }
    if (keep) session.logs.push(this.toContextLog(record, anomalous));
  }

  private toContextLog(record: LogRecord, anomalous: boolean): ContextLog {
    const templateId = this.templateOf(record.message);
    return {
      source: record.source,
      line: record.line,
      ...(record.level !== undefined && { level: record.level }),
      ...(record.timestamp !== undefined && { timestamp: record.timestamp }),
      ...(record.service !== undefined && { service: record.service }),
      message: record.message,
      ...(record.detail !== undefined && { detail: clipDetail(record.detail, anomalous) }),
      ...(record.durationMs !== undefined && { durationMs: record.durationMs }),
      ...(templateId !== undefined && { templateId }),
      anomalous,
    };
  }
}

/** Most characters of a stack trace kept in context: the anomalous record's, and its neighbours'. */
const DETAIL_CHARS = { anomalous: 32 * 1024, other: 2 * 1024 };

/**
 * A multi-line event's tail as context keeps it: whole when short; the anomalous record keeps more
 * than its neighbours, so a session of two hundred traces still fits one stored item.
 */
export function clipDetail(detail: string, anomalous: boolean): string {
  const max = anomalous ? DETAIL_CHARS.anomalous : DETAIL_CHARS.other;
  if (detail.length <= max) return detail;
  const cut = detail.lastIndexOf('\n', max);
  const kept = detail.slice(0, cut > max / 2 ? cut : max);
  const rest = detail.slice(kept.length).split('\n').filter((line) => line.length > 0).length;
  return `${kept}\n… ${rest} more line(s)`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
