/**
 * Known incidents injected into clean JSON-lines logs, each remembering what it touched (lines,
 * sessions, template) so a finding can be judged "about the incident" or not. Works on any JSON lines
 * whose fields use common names (both generators'): it edits parsed lines, never a generator's insides.
 */
import type { Anomaly } from '../../shared/detect/types.ts';
import { createRandom } from '../../shared/random.ts';

export type IncidentKind = 'latency-spike' | 'new-error-template' | 'error-burst' | 'new-session-shape' | 'systemic-slowdown';
export const INCIDENT_KINDS: readonly IncidentKind[] = ['latency-spike', 'new-error-template', 'error-burst', 'new-session-shape', 'systemic-slowdown'];

/** Where to inject, by message substrings of the generator's ordinary lines. */
export interface IncidentTargets {
  /** A timed step: one of its records becomes 40× slower. */
  spikeStep: string;
  /** A step after which a new multi-line ERROR is logged in a few sessions. */
  errorAfter: string;
  /** The new error: first line (the template to be) and stack frames. */
  errorMessage: (n: number) => string;
  errorStack: string[];
  /** An INFO step that logs ERROR for half its records in a window of the input. */
  burstStep: string;
  /** A step repeated 5× in a few sessions (a loop no baseline session has). */
  repeatStep: string;
  /** A timed step that becomes 5× slower in every session. */
  slowStep: string;
}

/** What was injected, and what a finding about it would point at. */
export interface Injected {
  kind: IncidentKind;
  /** 1-based line numbers (in the injected text) of the records added or changed. */
  lines: Set<number>;
  /** Sessions the incident lives in (empty when it is spread over all of them). */
  sessions: Set<string>;
  /** A literal substring of the incident's template, when the incident is a template's (new, burst, slowdown). */
  template?: string;
}

/** Field names both generators (and most JSON loggers) use, by role. */
const SESSION_KEYS = ['correlation_id', 'correlationId', 'request_id', 'requestId', 'trace_id', 'traceId'];
const MESSAGE_KEYS = ['message', 'msg', 'log'];
const DURATION_KEYS = ['duration_ms', 'latency_ms', 'elapsed_ms', 'response_time_ms', 'duration_us'];
const LEVEL_KEYS = ['level', 'severity', 'levelname'];

type Json = Record<string, unknown>;
const first = (obj: Json, keys: readonly string[]) => keys.find((k) => obj[k] !== undefined);
const messageOf = (obj: Json) => String(obj[first(obj, MESSAGE_KEYS) ?? 'message'] ?? '');
const sessionOf = (obj: Json) => {
  const key = first(obj, SESSION_KEYS);
  return key === undefined ? undefined : String(obj[key]);
};

function scaleDuration(obj: Json, factor: number): void {
  const key = first(obj, DURATION_KEYS);
  if (key === undefined) throw new Error(`no duration field in ${JSON.stringify(obj)}`);
  obj[key] = Math.round(Number(obj[key]) * factor * 1000) / 1000;
}

/** ERROR in the line's own spelling of levels (pino numbers, lower or upper case names). */
function setError(obj: Json): void {
  const key = first(obj, LEVEL_KEYS) ?? 'level';
  const value = obj[key];
  obj[key] = typeof value === 'number' ? 50 : typeof value === 'string' && value === value.toLowerCase() ? 'error' : 'ERROR';
}

/**
 * Injects one incident into clean JSON lines (returned as a new array; the input is not changed).
 * Deterministic for a given seed. Throws when the targets match nothing (a generator changed).
 */
export function injectIncident(clean: readonly string[], kind: IncidentKind, targets: IncidentTargets, seed = 7): { lines: string[]; injected: Injected } {
  const r = createRandom(seed);
  const objs = clean.map((line) => JSON.parse(line) as Json);
  const matching = (marker: string, needsSession = false) => {
    const at = objs.flatMap((o, i) => (messageOf(o).includes(marker) && (!needsSession || sessionOf(o) !== undefined) ? [i] : []));
    if (at.length === 0) throw new Error(`incident ${kind}: no line contains "${marker}"`);
    return at;
  };
  const sessions = new Set<string>();
  const changed = new Set<number>(); // indexes into objs (before insertions)
  const inserted = new Map<number, Json[]>(); // new lines after index i
  let template: string | undefined;

  switch (kind) {
    case 'latency-spike': {
      // One record, mid-input, of a common timed step; its session is the incident.
      const at = matching(targets.spikeStep, true);
      const i = at[Math.floor(at.length * (0.4 + 0.2 * r()))]!;
      scaleDuration(objs[i]!, 40);
      changed.add(i);
      sessions.add(sessionOf(objs[i]!)!);
      break;
    }
    case 'new-error-template': {
      // Four sessions spread over the input fail with an error no baseline has, stack trace included.
      const at = matching(targets.errorAfter, true);
      for (const q of [0.2, 0.4, 0.6, 0.8]) {
        const i = at[Math.floor(at.length * q)]!;
        const error: Json = { ...objs[i]! };
        for (const key of DURATION_KEYS) delete error[key];
        error[first(error, MESSAGE_KEYS) ?? 'message'] = [targets.errorMessage(Math.floor(r() * 90_000) + 10_000), ...targets.errorStack].join('\n');
        setError(error);
        inserted.set(i, [error]);
        sessions.add(sessionOf(error)!);
      }
      template = targets.errorMessage(0).split(/\d/)[0]!.trim();
      break;
    }
    case 'error-burst': {
      // Half the step's records in the middle fifth of the input log ERROR.
      const at = matching(targets.burstStep);
      const window = at.filter((i) => i >= objs.length * 0.4 && i < objs.length * 0.6);
      window.forEach((i, k) => {
        if (k % 2 !== 0) return;
        setError(objs[i]!);
        changed.add(i);
      });
      template = targets.burstStep;
      break;
    }
    case 'new-session-shape': {
      // Three sessions run one step five times (a retry loop): a mix no baseline session has.
      const at = matching(targets.repeatStep, true);
      for (const q of [0.25, 0.5, 0.75]) {
        const i = at[Math.floor(at.length * q)]!;
        inserted.set(i, Array.from({ length: 4 }, () => ({ ...objs[i]! })));
        sessions.add(sessionOf(objs[i]!)!);
      }
      break;
    }
    case 'systemic-slowdown': {
      // Every record of one step, in every session, 5× slower: one systemic change.
      for (const i of matching(targets.slowStep)) {
        scaleDuration(objs[i]!, 5);
        changed.add(i);
      }
      template = targets.slowStep;
      break;
    }
  }

  const lines: string[] = [];
  const injectedLines = new Set<number>();
  objs.forEach((obj, i) => {
    lines.push(JSON.stringify(obj));
    if (changed.has(i)) injectedLines.add(lines.length);
    for (const extra of inserted.get(i) ?? []) {
      lines.push(JSON.stringify(extra));
      injectedLines.add(lines.length);
    }
  });
  return { lines, injected: { kind, lines: injectedLines, sessions, ...(template !== undefined && { template }) } };
}

/** Findings about one record or one session: they are about an incident only through its lines or sessions. */
const RECORD_LEVEL = new Set(['DURATION_SPIKE', 'SESSION_OUTLIER']);

/**
 * Is the finding about the incident? Yes when it points at an injected line (its line or one of its
 * examples), lives in one of the incident's sessions, or is a template-level finding (any type but
 * spikes and session outliers) about the incident's template. A spike of the burst's template on a
 * line the burst did not touch is the template's ordinary slow tail, not the burst.
 */
export function isAbout(anomaly: Anomaly, injected: Injected): boolean {
  if (anomaly.line !== null && injected.lines.has(anomaly.line)) return true;
  if (anomaly.examples?.some((e) => injected.lines.has(e.line))) return true;
  const session = anomaly.sessionId ?? anomaly.context.sessionId;
  if (session !== undefined && injected.sessions.has(session)) return true;
  return injected.template !== undefined && !RECORD_LEVEL.has(anomaly.type) && anomaly.template.includes(injected.template);
}

/** Recall, precision and rank of one incident in a run's findings (ordered strongest first). */
export interface IncidentScore {
  found: boolean;
  /** Findings about the incident, and all findings. */
  about: number;
  findings: number;
  /** 1-based rank of the first finding about the incident; null when none is. */
  rank: number | null;
  /** Type of that first finding. */
  firstType?: string;
}

export function scoreIncident(anomalies: readonly Anomaly[], injected: Injected): IncidentScore {
  const flags = anomalies.map((a) => isAbout(a, injected));
  const index = flags.indexOf(true);
  return {
    found: index >= 0,
    about: flags.filter(Boolean).length,
    findings: anomalies.length,
    rank: index >= 0 ? index + 1 : null,
    ...(index >= 0 && { firstType: anomalies[index]!.type }),
  };
}
