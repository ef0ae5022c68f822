/**
 * The offline explainer: reads the order of events in an anomaly's context and names the probable
 * trigger (the first failure or slow step that precedes the anomaly), the chain that followed,
 * and the evidence. Deterministic, no network; its confidence is capped because it only
 * reads patterns, it does not understand the system.
 */
import type { Anomaly, ContextLog, Explanation } from '../detect/types.ts';

const CAUSES: { pattern: RegExp; cause: string; next: string }[] = [
  { pattern: /time[ds]?[ -]?out|deadline exceeded/i, cause: 'a call timed out', next: 'check the latency and health of the service that timed out and its downstream dependencies at that time' },
  { pattern: /refused|unreachable|unavailable|no route|reset by peer|broken pipe|503/i, cause: 'a dependency was unreachable', next: 'check whether the unreachable service was down, restarting or overloaded, and its connection limits' },
  { pattern: /quota|disk|no space|out of memory|oom|heap|exhausted|too many/i, cause: 'a resource ran out', next: 'check the resource usage (disk, memory, pools, quotas) of the host or service named here' },
  { pattern: /denied|unauthori[sz]ed|forbidden|401|403|expired/i, cause: 'a permission or credential check failed', next: 'check credentials, tokens and permissions that changed recently' },
  { pattern: /exception|error|fail|fatal|panic|crash/i, cause: 'an operation failed', next: 'read the first failing record and the code path that logs it' },
];

const WARN_PLUS = new Set(['WARN', 'ERROR', 'FATAL']);

export function explainHeuristically(anomaly: Anomaly): Explanation {
  const logs = anomaly.context.logs;
  const anomalyIndex = Math.max(0, logs.findIndex((log) => log.anomalous));
  const service = logs[anomalyIndex]?.service;
  const related = anomaly.context.contextType === 'WINDOW' && service ? (log: ContextLog) => log.service === service : () => true;
  const trigger = findTrigger(logs, anomalyIndex, related);
  const chain = trigger ? logs.slice(logs.indexOf(trigger) + 1).filter((log) => related(log) && (isTrouble(log) || log.anomalous)).slice(0, 6) : [];
  const cause = trigger ? CAUSES.find((c) => c.pattern.test(trigger.message) || (trigger.detail !== undefined && c.pattern.test(trigger.detail))) : undefined;
  const evidence = [...new Set([trigger, ...chain, logs[anomalyIndex]].filter((l): l is ContextLog => !!l).map((l) => l.line))].sort((a, b) => a - b);

  let confidence = 0.3;
  if (trigger) confidence += 0.2;
  if (chain.length >= 2) confidence += 0.15;
  if (anomaly.context.contextType === 'FULL_SESSION') confidence += 0.1;

  return {
    method: 'heuristic',
    summary: summarise(anomaly),
    rootCause: trigger
      ? `First failure, the probable trigger (heuristic): ${cause ? `${cause.cause} — ` : ''}${describe(trigger)}`
      : `No earlier failure in the context (heuristic): ${fallbackCause(anomaly)}`,
    causalChain: [trigger, ...chain].filter((l): l is ContextLog => !!l).map(describe),
    evidenceLines: evidence,
    confidence: Math.min(confidence, 0.75),
    nextStep: cause?.next ?? fallbackNext(anomaly),
  };
}

/** A record that reports a problem: WARN or worse, or (when it has no level at all) failure words. */
function isTrouble(log: ContextLog): boolean {
  return log.level ? WARN_PLUS.has(log.level) : CAUSES.some((c) => c.pattern.test(log.message));
}

/**
 * The first troubled record at or before the anomaly; else the first troubled record at all.
 * A window mixes unrelated requests, so there only the anomalous record's own service counts.
 */
function findTrigger(logs: ContextLog[], anomalyIndex: number, related: (log: ContextLog) => boolean): ContextLog | undefined {
  const candidates = (log: ContextLog) => isTrouble(log) && related(log);
  return logs.slice(0, anomalyIndex + 1).find(candidates) ?? logs.find(candidates);
}

function describe(log: ContextLog): string {
  return `line ${log.line}${log.service ? ` (${log.service})` : ''}: ${clip(log.message)}${log.durationMs !== undefined ? ` [${log.durationMs} ms]` : ''}`;
}

function summarise(anomaly: Anomaly): string {
  switch (anomaly.type) {
    case 'DURATION_SPIKE':
      return `"${clip(anomaly.template)}" took ${anomaly.durationMs} ms against a baseline median of ${anomaly.baselineMedianMs?.toFixed(1)} ms (z ${anomaly.zScore?.toFixed(1)} in log space)${anomaly.count > 1 ? `; ${anomaly.count} such spikes in this template` : ''}.`;
    case 'NEW_TEMPLATE':
      return `A message never seen in the baseline appeared ${anomaly.count} time(s): "${clip(anomaly.template)}".`;
    case 'TEMPLATE_OUTLIER':
      return `The statistics of "${clip(anomaly.template)}" moved away from its baseline (isolation score ${anomaly.ifScore?.toFixed(2)} vs ${anomaly.baselineIfScore?.toFixed(2)} in the baseline).`;
    case 'ERROR_BURST':
      return `"${clip(anomaly.template)}" logged warnings/errors at ${pct(anomaly.errorRate)} against ${pct(anomaly.baselineErrorRate)} in the baseline.`;
    case 'SESSION_OUTLIER':
      return `Session ${anomaly.sessionId} has a mix of events unlike the baseline sessions (isolation score ${anomaly.ifScore?.toFixed(2)}).`;
  }
}

function fallbackCause(anomaly: Anomaly): string {
  switch (anomaly.type) {
    case 'DURATION_SPIKE': return 'the step itself was slow; look at what it waits on (database, lock, network).';
    case 'NEW_TEMPLATE': return 'new code path or new failure mode; check recent deploys.';
    case 'TEMPLATE_OUTLIER': return 'a systemic change in this step (load, a slower dependency, a deploy).';
    case 'ERROR_BURST': return 'this step started failing more often; check its dependency and recent changes.';
    case 'SESSION_OUTLIER': return 'the request took an unusual path; compare it with a normal session of the same endpoint.';
  }
}

function fallbackNext(anomaly: Anomaly): string {
  return anomaly.type === 'NEW_TEMPLATE' ? 'find the code that logs this message and the deploy that introduced it' : 'compare this period with the baseline on the dashboards of the service that logs it';
}

const pct = (value?: number) => (value === undefined ? '?' : `${(value * 100).toFixed(1)} %`);

/** Most characters of a message or template an explanation quotes: a 1 MiB line is evidence, not prose. */
const QUOTED_CHARS = 300;

function clip(text: string): string {
  return text.length <= QUOTED_CHARS ? text : `${text.slice(0, QUOTED_CHARS)}… (${text.length - QUOTED_CHARS} more characters)`;
}
