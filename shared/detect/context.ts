/**
 * Second pass of detection: collects just the records that anomalies need as context
 * (their sessions, sampled when long, and ±radius windows for records without a session),
 * so memory grows with what is shown, never with the input.
 */
import type { Level, LogRecord } from '../ingest/record.ts';
import type { ContextLog } from './types.ts';

export interface ContextPlan {
  /** Sessions to collect, with their true size from the first pass. */
  sessions: Map<string, { total: number }>;
  /** Ordinals (0-based positions in input order) of records that need a window. */
  windows: Set<number>;
  /** Ordinals of anomalous records: always kept and marked. */
  anomalous: Set<number>;
  /** Ordinals whose own record is wanted (the anomalies' anchor records). */
  anchors: Set<number>;
  /** Most records shown for one session (default 200). */
  maxSessionLogs?: number;
  /** Records before and after a window's centre (default 10). */
  windowRadius?: number;
}

const WARN_PLUS = new Set<Level | undefined>(['WARN', 'ERROR', 'FATAL']);
const EDGE = 20;

interface SessionSample { total: number; seen: number; warnKept: number; logs: ContextLog[] }
interface PendingWindow { centre: number; logs: ContextLog[]; remaining: number }
interface Recent { ordinal: number; record: LogRecord }

/** A collector's state in plain data, to continue a second pass in another process. */
export interface ContextCollectorState {
  plan: { sessions: [string, { total: number }][]; windows: number[]; anomalous: number[]; anchors: number[]; maxSessionLogs: number; windowRadius: number };
  sessions: [string, SessionSample][];
  windows: [number, ContextLog[]][];
  anchors: [number, { log: ContextLog; sessionId?: string }][];
  recent: [string, Recent[]][];
  pending: [string, { centre: number; remaining: number }[]][];
}

export class ContextCollector {
  private readonly sessions = new Map<string, SessionSample>();
  private readonly windows = new Map<number, ContextLog[]>();
  private readonly anchors = new Map<number, { log: ContextLog; sessionId?: string }>();
  private readonly recentBySource = new Map<string, Recent[]>();
  private readonly pendingBySource = new Map<string, PendingWindow[]>();
  private readonly maxSessionLogs: number;
  private readonly radius: number;

  constructor(private readonly plan: ContextPlan, private readonly templateOf: (message: string) => string | undefined) {
    this.maxSessionLogs = plan.maxSessionLogs ?? 200;
    this.radius = plan.windowRadius ?? 10;
    for (const [id, { total }] of plan.sessions) this.sessions.set(id, { total, seen: 0, warnKept: 0, logs: [] });
  }

  /** Everything collected so far, as plain data. */
  toJSON(): ContextCollectorState {
    return {
      plan: {
        sessions: [...this.plan.sessions], windows: [...this.plan.windows], anomalous: [...this.plan.anomalous], anchors: [...this.plan.anchors],
        maxSessionLogs: this.maxSessionLogs, windowRadius: this.radius,
      },
      sessions: [...this.sessions],
      windows: [...this.windows],
      anchors: [...this.anchors],
      recent: [...this.recentBySource],
      pending: [...this.pendingBySource].map(([source, list]) => [source, list.map(({ centre, remaining }) => ({ centre, remaining }))]),
    };
  }

  /** Continues from {@link toJSON} output. */
  static fromJSON(state: ContextCollectorState, templateOf: (message: string) => string | undefined): ContextCollector {
    const { plan } = state;
    const collector = new ContextCollector(
      { sessions: new Map(plan.sessions), windows: new Set(plan.windows), anomalous: new Set(plan.anomalous), anchors: new Set(plan.anchors), maxSessionLogs: plan.maxSessionLogs, windowRadius: plan.windowRadius },
      templateOf,
    );
    for (const [id, sample] of state.sessions) collector.sessions.set(id, sample);
    for (const [ordinal, logs] of state.windows) collector.windows.set(ordinal, logs);
    for (const [ordinal, anchor] of state.anchors) collector.anchors.set(ordinal, anchor);
    for (const [source, recent] of state.recent) collector.recentBySource.set(source, recent);
    // A pending window shares its log list with the finished-window map, as before the checkpoint.
    for (const [source, list] of state.pending) {
      collector.pendingBySource.set(source, list.map(({ centre, remaining }) => ({ centre, remaining, logs: collector.windows.get(centre)! })));
    }
    return collector;
  }

  /** Feed every record of the input, in input order, with its ordinal. */
  add(record: LogRecord, ordinal: number): void {
    if (this.plan.anchors.has(ordinal)) {
      this.anchors.set(ordinal, { log: this.toContextLog(record, true), ...(record.sessionId !== undefined && { sessionId: record.sessionId }) });
    }
    if (record.sessionId !== undefined) {
      const session = this.sessions.get(record.sessionId);
      if (session) this.sampleSessionRecord(session, record, ordinal);
    }
    if (this.plan.windows.size > 0) this.trackWindows(record, ordinal);
  }

  /** The collected (possibly sampled) records of a session, in input order. */
  sessionLogs(sessionId: string): { logs: ContextLog[]; total: number; truncated: boolean } | undefined {
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    return { logs: session.logs, total: session.total, truncated: session.logs.length < session.total };
  }

  /** The record at an anchor ordinal, as seen in the second pass. */
  anchor(ordinal: number): { log: ContextLog; sessionId?: string } | undefined {
    return this.anchors.get(ordinal);
  }

  /** The window around the record at `ordinal`: up to radius records before and after, same source. */
  windowLogs(ordinal: number): ContextLog[] | undefined {
    return this.windows.get(ordinal);
  }

  /**
   * Keeps every record of a short session; of a long one: anomalous records, the first and last
   * EDGE, WARN+ up to a quarter of the budget, and an even spread of the rest.
   */
  private sampleSessionRecord(session: SessionSample, record: LogRecord, ordinal: number): void {
    const position = session.seen++;
    const anomalous = this.plan.anomalous.has(ordinal);
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

  private trackWindows(record: LogRecord, ordinal: number): void {
    const pending = this.pendingBySource.get(record.source);
    if (pending?.length) {
      const log = this.toContextLog(record, this.plan.anomalous.has(ordinal));
      for (const window of pending) {
        window.logs.push(log);
        window.remaining--;
      }
      this.pendingBySource.set(record.source, pending.filter((w) => w.remaining > 0));
    }
    let recent = this.recentBySource.get(record.source);
    if (!recent) this.recentBySource.set(record.source, (recent = []));
    if (this.plan.windows.has(ordinal)) {
      const logs = recent.map((r) => this.toContextLog(r.record, this.plan.anomalous.has(r.ordinal)));
      logs.push(this.toContextLog(record, true));
      this.windows.set(ordinal, logs);
      const window = { centre: ordinal, logs, remaining: this.radius };
      this.pendingBySource.set(record.source, [...(this.pendingBySource.get(record.source) ?? []), window]);
    }
    recent.push({ ordinal, record });
    if (recent.length > this.radius) recent.shift();
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
      ...(record.durationMs !== undefined && { durationMs: record.durationMs }),
      ...(templateId !== undefined && { templateId }),
      anomalous,
    };
  }
}
