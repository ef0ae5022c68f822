/**
 * A seeded generator of realistic microservice logs in JSON lines, with optional injected incidents.
 * Each service names its fields differently (as real fleets do), requests interleave, some records
 * have no session id, and durations are heavy-tailed (log-normal with a 1 % slow tail).
 * Used by `events/logs/*` (committed samples), the tests and `npm run bench`.
 */
import { createRandom } from '../../shared/random.ts';

export type IncidentKind = 'duration-spike' | 'cascade-failure' | 'new-error-template' | 'systemic-shift';

/** What was injected where, so tests can check that detection finds it. */
export interface InjectedIncident {
  kind: IncidentKind;
  /** 1-based line numbers of the injected records. */
  lines: number[];
  sessionId?: string;
  /** A substring of the injected records' messages. */
  marker: string;
}

export interface GeneratorOptions {
  seed: number;
  /** Number of request sessions (default 2000). */
  sessions?: number;
  incidents?: IncidentKind[];
  /** Epoch ms of the first record (default 2026-11-20T00:00:00Z). */
  startTime?: number;
}

const SERVICES = {
  gateway: (rec: Rec) => ({ timestamp: iso(rec.t), level: rec.level.toLowerCase(), service: 'api-gateway', request_id: rec.sid, message: rec.msg, ...(rec.ms !== undefined && { duration_ms: rec.ms }) }),
  auth: (rec: Rec) => ({ time: rec.t, level: PINO[rec.level], app: 'auth-service', correlationId: rec.sid, msg: rec.msg, ...(rec.ms !== undefined && { latency_ms: rec.ms }) }),
  orders: (rec: Rec) => ({ '@timestamp': iso(rec.t), severity: rec.level, service: { name: 'order-service' }, correlation_id: rec.sid, message: rec.msg, ...(rec.ms !== undefined && { elapsed_ms: rec.ms }) }),
  inventory: (rec: Rec) => ({ ts: rec.t / 1000, levelname: rec.level, logger: 'inventory-service', trace_id: rec.sid, log: rec.msg, ...(rec.ms !== undefined && { duration_ms: rec.ms }) }),
  payments: (rec: Rec) => ({ timestamp: iso(rec.t), level: rec.level, service: 'payment-service', traceId: rec.sid, message: rec.msg, ...(rec.ms !== undefined && { response_time_ms: rec.ms }) }),
  db: (rec: Rec) => ({ timestamp: iso(rec.t), level: rec.level, service: 'db-proxy', correlation_id: rec.sid, message: rec.msg, ...(rec.ms !== undefined && { duration_us: Math.round(rec.ms * 1000) }) }),
} as const;

type Service = keyof typeof SERVICES;
interface Rec { t: number; level: string; sid?: string; msg: string; ms?: number }

const PINO: Record<string, number> = { DEBUG: 20, INFO: 30, WARN: 40, ERROR: 50, FATAL: 60 };
const iso = (t: number) => new Date(t).toISOString();

/** One step of a request: which service logs what, and its typical duration (median ms) if timed. */
interface Step { service: Service; level?: string; text: (v: Vars) => string; medianMs?: number }
interface Vars { order: number; user: number; ip: string; sku: number; qty: number; amount: string; card: number; query: string; items: number; results: number }

const FLOWS: Step[][] = [
  [
    { service: 'gateway', text: (v) => `Received POST /api/checkout from ${v.ip}` },
    { service: 'auth', text: (v) => `Token validated for user u-${v.user}`, medianMs: 3 },
    { service: 'orders', text: (v) => `Created order ${v.order} for customer ${v.user} with ${v.items} items`, medianMs: 8 },
    { service: 'inventory', text: (v) => `Reserved ${v.qty} units of SKU-${v.sku} in warehouse eu-west-1a` , medianMs: 15 },
    { service: 'payments', text: (v) => `Charged card ending ${v.card} amount ${v.amount} EUR`, medianMs: 120 },
    { service: 'db', text: () => `Query INSERT INTO orders took`, medianMs: 6 },
    { service: 'gateway', text: () => `Completed POST /api/checkout 201`, medianMs: 180 },
  ],
  [
    { service: 'gateway', text: (v) => `Received GET /api/orders/${v.order} from ${v.ip}` },
    { service: 'auth', text: (v) => `Token validated for user u-${v.user}`, medianMs: 3 },
    { service: 'db', text: () => `Query SELECT * FROM orders WHERE id = $1 took`, medianMs: 4 },
    { service: 'orders', text: (v) => `Fetched order ${v.order} with ${v.items} items for customer ${v.user}`, medianMs: 9 },
    { service: 'gateway', text: (v) => `Completed GET /api/orders/${v.order} 200`, medianMs: 25 },
  ],
  [
    { service: 'gateway', text: (v) => `Received GET /api/search?q=${v.query} from ${v.ip}` },
    { service: 'inventory', text: (v) => `Search for "${v.query}" returned ${v.results} results`, medianMs: 35 },
    { service: 'gateway', text: () => `Completed GET /api/search 200`, medianMs: 45 },
  ],
  [
    { service: 'gateway', text: (v) => `Received POST /api/login from ${v.ip}` },
    { service: 'auth', text: (v) => `User u-${v.user} logged in from ${v.ip}`, medianMs: 40 },
    { service: 'gateway', text: () => `Completed POST /api/login 200`, medianMs: 55 },
  ],
];

const BACKGROUND: { service: Service; text: (r: () => number) => string; level?: string }[] = [
  { service: 'gateway', text: (r) => `Health check passed in ${1 + Math.floor(r() * 4)} ms` },
  { service: 'orders', text: (r) => `GC pause of ${2 + Math.floor(r() * 30)} ms, heap ${300 + Math.floor(r() * 400)} MB` },
  { service: 'inventory', text: (r) => `Cache hit ratio ${(0.85 + r() * 0.14).toFixed(2)} over last 60 s` },
  { service: 'db', text: (r) => { const active = Math.floor(r() * 10); return `Connection pool: 20 total, ${active} active, ${20 - active} idle`; } },
  { service: 'auth', text: (r) => `Scheduled job purge-expired-tokens removed ${Math.floor(r() * 200)} entries` },
  { service: 'payments', level: 'WARN', text: (r) => `Retrying webhook delivery to merchant ${1000 + Math.floor(r() * 50)} (attempt 2)` },
];

const WORDS = ['blue shoes', 'red hat', 'laptop bag', 'usb-c cable', 'coffee mug', 'desk lamp', 'running socks'];

/**
 * Yields JSON lines. `incidents` (if given) is filled with what was injected, as lines are produced.
 * Deterministic: the same options give byte-identical output.
 */
export function* generateLogLines(options: GeneratorOptions, incidents: InjectedIncident[] = []): Generator<string> {
  const random = createRandom(options.seed);
  const sessions = options.sessions ?? 2000;
  const wanted = new Set(options.incidents ?? []);
  let t = options.startTime ?? Date.UTC(2026, 10, 20);
  let line = 0;
  const normal = () => { const u = 1 - random(); const v = random(); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v); };
  const duration = (median: number, factor = 1) => {
    const tail = random() < 0.01 ? 2 + random() * 3 : 1;
    return Math.round(median * factor * tail * Math.exp(0.45 * normal()) * 10) / 10;
  };
  const out: string[] = [];
  const emit = (service: Service, rec: Omit<Rec, 't'>): number => {
    t += 1 + Math.floor(random() * 40);
    out.push(JSON.stringify(SERVICES[service]({ ...rec, t })));
    return ++line;
  };
  const record = (kind: IncidentKind, marker: string, lines: number[], sessionId?: string) =>
    incidents.push({ kind, marker, lines, ...(sessionId && { sessionId }) });

  // Incidents sit at fixed fractions of the run so every scenario has normal traffic around them.
  const at = (fraction: number) => Math.floor(sessions * fraction);
  const spikeAt = wanted.has('duration-spike') ? at(0.4) : -1;
  const cascadeAt = wanted.has('cascade-failure') ? at(0.6) : -1;
  const newErrorAt = wanted.has('new-error-template') ? at(0.7) : -1;
  const shiftFrom = wanted.has('systemic-shift') ? at(0.5) : Infinity;
  const shiftLines: number[] = [];

  interface Active { sid: string; flow: Step[]; step: number; vars: Vars; spike: boolean; total: number }
  const active: Active[] = [];
  let started = 0;
  const newVars = (): Vars => ({
    order: 10000 + Math.floor(random() * 90000), user: 1000 + Math.floor(random() * 9000),
    ip: `10.${Math.floor(random() * 4)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`,
    sku: 10000 + Math.floor(random() * 900), qty: 1 + Math.floor(random() * 5),
    amount: (5 + random() * 200).toFixed(2), card: 1000 + Math.floor(random() * 9000),
    query: WORDS[Math.floor(random() * WORDS.length)]!, items: 1 + Math.floor(random() * 6), results: Math.floor(random() * 80),
  });

  while (started < sessions || active.length > 0) {
    if (started < sessions && (active.length < 8 || random() < 0.1)) {
      if (started === cascadeAt) emitCascade();
      if (started === newErrorAt) emitNewErrors();
      const hex = Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');
      const pick = FLOWS[Math.floor(random() * FLOWS.length)]!;
      // The spiking session is an order lookup, so its slow step is the database query.
      active.push({ sid: `req-${hex}`, flow: started === spikeAt ? FLOWS[1]! : pick, step: 0, vars: newVars(), spike: started === spikeAt, total: 0 });
      started++;
    }
    if (random() < 0.12) {
      const bg = BACKGROUND[Math.floor(random() * BACKGROUND.length)]!;
      emit(bg.service, { level: bg.level ?? 'INFO', msg: bg.text(random) });
    }
    if (active.length === 0) continue;
    const index = Math.floor(random() * active.length);
    const session = active[index]!;
    const step = session.flow[session.step]!;
    let text = step.text(session.vars);
    let ms: number | undefined;
    if (step.medianMs !== undefined) {
      const shifted = step.service === 'payments' && started > shiftFrom;
      const isSpike = session.spike && step.service === 'db';
      ms = isSpike ? step.medianMs * 900 : duration(step.medianMs, shifted ? 6 : 1);
      if (step.service === 'db' || step.service === 'gateway') text += ` ${Math.round(ms)} ms`;
      session.total += ms;
    }
    const at = emit(step.service, { level: 'INFO', sid: session.sid, msg: text, ...(ms !== undefined && { ms }) });
    if (session.spike && step.service === 'db') record('duration-spike', text, [at], session.sid);
    if (step.service === 'payments' && started > shiftFrom) shiftLines.push(at);
    if (++session.step === session.flow.length) active.splice(index, 1);
    while (out.length) yield out.shift()!;
  }
  if (shiftLines.length) record('systemic-shift', 'Charged card ending', shiftLines);
  while (out.length) yield out.shift()!;

  /** The seed's `req-003` cascade: a payment timeout that takes the order and the request down. */
  function emitCascade() {
    const sid = 'req-003';
    const lines = [
      emit('gateway', { level: 'INFO', sid, msg: 'Received POST /api/checkout from 10.0.0.3' }),
      emit('payments', { level: 'WARN', sid, msg: 'Payment gateway timeout after 5000 ms, retrying', ms: 5000 }),
      emit('orders', { level: 'ERROR', sid, msg: 'Failed to create order: upstream payment-service unavailable' }),
      emit('gateway', { level: 'ERROR', sid, msg: 'Completed POST /api/checkout 503', ms: 5230 }),
    ];
    record('cascade-failure', 'Payment gateway timeout', lines, sid);
  }

  /** A failure mode never seen in the baseline, logged by a background task without a session. */
  function emitNewErrors() {
    const lines = [0, 1, 2].map(() =>
      emit('orders', { level: 'ERROR', msg: `Disk quota exceeded on volume /var/lib/orders (${97 + Math.floor(random() * 3)}% used)` }),
    );
    record('new-error-template', 'Disk quota exceeded', lines);
  }
}
