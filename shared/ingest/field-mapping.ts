import type { LogRecord } from './record.ts';
import { durationFactor, normalizeLevel, parseDurationMs, parseTimestamp } from './normalize.ts';

/**
 * Which input field names feed which {@link LogRecord} property, in priority order (first present wins).
 * Names are matched case-insensitively; a dotted name (`log.level`, `service.name`) matches either a
 * nested object path or a flat key spelled with the dot.
 */
export interface FieldMapping {
  message: string[];
  level: string[];
  timestamp: string[];
  /** The unit comes from the name: `*_us`/`*Us` µs, `*_s` seconds, anything else ms. */
  duration: string[];
  session: string[];
  service: string[];
}

/** The aliases used when the caller overrides nothing. */
export const DEFAULT_FIELD_MAPPING: Readonly<FieldMapping> = Object.freeze({
  message: ['message', 'msg', 'log', '@message', 'body', 'event'],
  level: ['level', 'severity', 'levelname', 'log.level'],
  timestamp: ['timestamp', 'time', '@timestamp', 'ts', 'date'],
  duration: [
    'duration_ms', 'durationMs', 'latency_ms', 'latencyMs', 'elapsed_ms', 'elapsedMs',
    'response_time_ms', 'responseTimeMs', 'duration',
    'duration_us', 'durationUs', 'latency_us', 'elapsed_us', 'response_time_us',
    'duration_s', 'latency_s', 'elapsed_s', 'response_time_s',
  ],
  session: ['correlation_id', 'correlationId', 'request_id', 'requestId', 'trace_id', 'traceId', 'x-request-id'],
  service: ['service', 'service.name', 'app', 'logger'],
});

/** Merges caller overrides into the defaults; `sessionFields` (if given) replaces the session order. */
export function resolveFieldMapping(overrides?: Partial<FieldMapping>, sessionFields?: string[]): FieldMapping {
  return {
    message: overrides?.message ?? [...DEFAULT_FIELD_MAPPING.message],
    level: overrides?.level ?? [...DEFAULT_FIELD_MAPPING.level],
    timestamp: overrides?.timestamp ?? [...DEFAULT_FIELD_MAPPING.timestamp],
    duration: overrides?.duration ?? [...DEFAULT_FIELD_MAPPING.duration],
    session: sessionFields ?? overrides?.session ?? [...DEFAULT_FIELD_MAPPING.session],
    service: overrides?.service ?? [...DEFAULT_FIELD_MAPPING.service],
  };
}

/** Record properties a field can feed. */
export type Role = keyof FieldMapping;
const ROLES: readonly Role[] = ['message', 'level', 'timestamp', 'duration', 'session', 'service'];

/** One way of reaching a value for a role: key in the record, then an optional nested path. */
interface Getter {
  key: string;
  /** Lowercased segments below `key`, or null when the value sits directly at `key`. */
  rest: string[] | null;
  factor: number;
  priority: number;
}

interface Candidate {
  role: Role;
  rest: string[] | null;
  factor: number;
  priority: number;
}

/** How to read one object shape (exact key list, in order), worked out once per shape. */
interface Plan {
  keys: string[];
  message: Getter[];
  level: Getter[];
  timestamp: Getter[];
  duration: Getter[];
  session: Getter[];
  service: Getter[];
}

// JSON logs have a handful of shapes (optional fields come and go); a few dozen covers real files
// while bounding memory when keys are data (e.g. one key per user id).
const MAX_PLANS = 64;

/**
 * Maps parsed JSON values to {@link LogRecord}s.
 *
 * Speed: aliases are resolved once per distinct key list ("shape"), not per record. A record whose
 * keys equal the last shape's keys (a pointer compare per key, since JSON.parse interns keys) reuses
 * that plan, so the per-record cost is a key walk plus a few property reads.
 */
export class JsonRecordMapper {
  /** Lowercased field name (or dotted prefix) → what it can feed. */
  private readonly table = new Map<string, Candidate[]>();
  private readonly plans: Plan[] = [];
  private last: Plan | undefined;

  constructor(readonly mapping: FieldMapping) {
    for (const role of ROLES) {
      mapping[role].forEach((alias, priority) => {
        const lower = alias.toLowerCase();
        const factor = role === 'duration' ? durationFactor(alias) : 1;
        this.addCandidate(lower, { role, rest: null, factor, priority });
        const segments = lower.split('.');
        for (let cut = 1; cut < segments.length; cut++) {
          const head = segments.slice(0, cut).join('.');
          this.addCandidate(head, { role, rest: segments.slice(cut), factor, priority });
        }
      });
    }
  }

  private addCandidate(name: string, candidate: Candidate): void {
    const list = this.table.get(name);
    if (list) list.push(candidate);
    else this.table.set(name, [candidate]);
  }

  /** Which role a plain-text header field name plays (exact alias match, case-insensitive), if any. */
  roleOf(fieldName: string): { role: Role; priority: number; factor: number } | undefined {
    const direct = this.table.get(fieldName.toLowerCase())?.find((c) => c.rest === null);
    return direct && { role: direct.role, priority: direct.priority, factor: direct.factor };
  }

  /**
   * Builds the record for one parsed JSON value.
   * Non-objects (a bare string or number) become a record whose message is their text; an object with
   * no message field gets its compact JSON as the message.
   */
  map(value: unknown, source: string, line: number): LogRecord {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { source, line, message: typeof value === 'string' ? value : JSON.stringify(value) };
    }
    const obj = value as Record<string, unknown>;
    const plan = this.planFor(obj);

    let message: string | undefined;
    for (let i = 0; i < plan.message.length; i++) {
      const v = read(obj, plan.message[i]!);
      if (typeof v === 'string') {
        // Docker's json-file driver keeps the newline at the end of `log`.
        message = v.charCodeAt(v.length - 1) === 10 ? v.slice(0, v.charCodeAt(v.length - 2) === 13 ? -2 : -1) : v;
        break;
      }
      if (typeof v === 'number' || typeof v === 'boolean') {
        message = String(v);
        break;
      }
    }
    const record: LogRecord = { source, line, message: message ?? JSON.stringify(obj) };
    // A message with line breaks is a multi-line event (a stack trace logged as one string): the
    // template comes from its first line, the rest is its detail.
    const nl = message === undefined ? -1 : message.indexOf('\n');
    if (nl !== -1) {
      const rest = message!.slice(nl + 1).replace(/\s+$/, '');
      record.message = message!.slice(0, message!.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      if (rest.length > 0) record.detail = rest;
    }

    for (let i = 0; i < plan.level.length; i++) {
      const raw = read(obj, plan.level[i]!);
      if (raw === undefined || raw === null || typeof raw === 'object') continue;
      const level = normalizeLevel(raw);
      if (level) record.level = level;
      else record.fields = { level: String(raw) };
      break;
    }
    for (let i = 0; i < plan.timestamp.length; i++) {
      const ts = parseTimestamp(read(obj, plan.timestamp[i]!));
      if (ts !== undefined) {
        record.timestamp = ts;
        break;
      }
    }
    for (let i = 0; i < plan.duration.length; i++) {
      const getter = plan.duration[i]!;
      const ms = parseDurationMs(read(obj, getter), getter.factor);
      if (ms !== undefined) {
        record.durationMs = ms;
        break;
      }
    }
    for (let i = 0; i < plan.session.length; i++) {
      const v = read(obj, plan.session[i]!);
      if ((typeof v === 'string' && v.length > 0) || typeof v === 'number') {
        record.sessionId = String(v);
        break;
      }
    }
    for (let i = 0; i < plan.service.length; i++) {
      const v = read(obj, plan.service[i]!);
      if (typeof v === 'string' && v.length > 0) {
        record.service = v;
        break;
      }
    }
    return record;
  }

  private planFor(obj: Record<string, unknown>): Plan {
    const last = this.last;
    if (last !== undefined && sameShape(obj, last.keys)) return last;
    for (const plan of this.plans) {
      if (plan !== last && sameShape(obj, plan.keys)) {
        this.last = plan;
        return plan;
      }
    }
    const plan = this.buildPlan(Object.keys(obj));
    if (this.plans.length >= MAX_PLANS) this.plans.shift();
    this.plans.push(plan);
    this.last = plan;
    return plan;
  }

  private buildPlan(keys: string[]): Plan {
    const plan: Plan = { keys, message: [], level: [], timestamp: [], duration: [], session: [], service: [] };
    for (const key of keys) {
      const candidates = this.table.get(key.toLowerCase());
      if (!candidates) continue;
      for (const c of candidates) {
        plan[c.role].push({ key, rest: c.rest, factor: c.factor, priority: c.priority });
      }
    }
    for (const role of ROLES) plan[role].sort((a, b) => a.priority - b.priority);
    return plan;
  }
}

function sameShape(obj: Record<string, unknown>, keys: string[]): boolean {
  let i = 0;
  for (const key in obj) {
    if (key !== keys[i]) return false;
    i++;
  }
  return i === keys.length;
}

function read(obj: Record<string, unknown>, getter: Getter): unknown {
  const value = obj[getter.key];
  return getter.rest === null ? value : readNested(value, getter.rest);
}

function readNested(start: unknown, rest: string[]): unknown {
  let value = start;
  for (const segment of rest) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = getIgnoringCase(value as Record<string, unknown>, segment);
  }
  return value;
}

function getIgnoringCase(obj: Record<string, unknown>, lowerKey: string): unknown {
  if (Object.hasOwn(obj, lowerKey)) return obj[lowerKey];
  for (const key of Object.keys(obj)) {
    if (key.toLowerCase() === lowerKey) return obj[key];
  }
  return undefined;
}
