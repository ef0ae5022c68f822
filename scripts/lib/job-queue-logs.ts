/**
 * A seeded generator of a job-queue / worker system's logs in JSON lines, written independently of
 * `microservice-logs.ts` to check that detection is not tuned to one generator.
 *
 * Sessions are jobs (`trace_id`): thumbnails with 1–4 variants, reports with 1–6 pages, partner syncs
 * paginating 1–8 pages, webhooks with timeouts and retries, plus periodic cron jobs. Around them:
 * heartbeats, queue stats and occasional normal WARNs (consumer lag, slow pool) without a session.
 * Durations are log-normal per step with a thin slow tail. Same options → the same lines.
 */
import { createRandom } from '../../shared/random.ts';

export interface JobQueueOptions {
  seed: number;
  /** Jobs submitted by clients (default 2000); cron jobs and background lines come on top. */
  jobs?: number;
  /** Epoch ms of the first line (default 2027-03-01T08:00:00Z). */
  startTime?: number;
}

/** The field that carries the session (job) id. */
export const JOB_SESSION_FIELD = 'trace_id';

type Random = () => number;
type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
interface Event { t: number; order: number; service: string; level: Level; message: string; session?: string; ms?: number }

const WORKERS = 8;
const QUEUES = ['media', 'reports', 'sync', 'webhooks'] as const;

/** Median duration (ms) per timed step: what "normal latency" is for each. */
const MEDIAN_MS = {
  dequeue: 35, download: 70, render: 28, store: 20, query: 320, page: 45, notify: 95,
  fetch: 140, upsert: 38, cursor: 6, deliver: 85, compact: 900, expire: 210, ack: 4,
} as const;
type Step = keyof typeof MEDIAN_MS;

/** Generates the whole log as JSON lines, ordered by time (ties keep the order they were made in). */
export function generateJobQueueLines(options: JobQueueOptions): string[] {
  const r = createRandom(options.seed);
  const start = options.startTime ?? Date.UTC(2027, 2, 1, 8, 0, 0);
  const events: Event[] = [];
  let order = 0;
  const emit = (e: Omit<Event, 'order'>) => events.push({ ...e, order: order++ });

  let t = start;
  for (let j = 0; j < (options.jobs ?? 2000); j++) {
    t += exponential(r, 260);
    const kind = pick(r, [['thumbnail', 35], ['report', 12], ['sync', 30], ['webhook', 23]] as const);
    JOBS[kind](job(r, t, emit));
  }
  const end = t + 5000;

  // Periodic jobs: sessions too, with their own shapes.
  for (let at = start + 20_000; at < end; at += 60_000) {
    const c = job(r, at + Math.floor(r() * 500), emit);
    c.log('cron', 'INFO', 'Cron fired schedule compact-segments-every-minute');
    c.step('compact', 'worker', (ms) => `Compacted partition p-${Math.floor(r() * 32)}: merged ${2 + Math.floor(r() * 14)} segments into 1 (${(1 + r() * 40).toFixed(1)} MB) in ${ms} ms`);
    c.step('ack', 'queue-broker', () => `Acknowledged job ${c.id} (cron)`);
  }
  for (let at = start + 45_000; at < end; at += 300_000) {
    const c = job(r, at, emit);
    c.log('cron', 'INFO', 'Cron fired schedule expire-stale-uploads');
    c.step('expire', 'worker', () => `Expired ${Math.floor(r() * 300)} stale uploads older than 24h`);
    c.step('ack', 'queue-broker', () => `Acknowledged job ${c.id} (cron)`);
  }

  // Background lines with no session.
  for (let w = 1; w <= WORKERS; w++) {
    for (let at = start + Math.floor(r() * 5000); at < end; at += 5000 + Math.floor(r() * 200)) {
      emit({ t: at, service: 'worker', level: 'DEBUG', message: `Worker w-${pad(w)} heartbeat: ${Math.floor(r() * 5)}/4 slots busy, rss ${180 + Math.floor(r() * 120)} MB` });
    }
  }
  for (let at = start + 3000; at < end; at += 10_000) {
    const depths = QUEUES.map((q) => `${q}=${Math.floor(exponential(r, 12))}`).join(' ');
    emit({ t: at, service: 'queue-broker', level: 'INFO', message: `Queue stats ${depths}, ${Math.floor(r() * 30)} in flight` });
    // Normal WARNs that come and go with load: a baseline has them, so they are not news.
    if (r() < 0.15) emit({ t: at + 1, service: 'queue-broker', level: 'WARN', message: `Consumer lag on queue ${QUEUES[Math.floor(r() * QUEUES.length)]} is ${800 + Math.floor(r() * 4000)} ms` });
    if (r() < 0.05) emit({ t: at + 2, service: 'worker', level: 'WARN', message: `Connection pool warehouse-db exhausted for ${20 + Math.floor(r() * 300)} ms, ${Math.floor(r() * 6)} callers waited` });
  }

  events.sort((a, b) => a.t - b.t || a.order - b.order);
  return events.map((e) => JSON.stringify({
    timestamp: new Date(Math.round(e.t)).toISOString(),
    level: e.level,
    service: e.service,
    message: e.message,
    ...(e.session !== undefined && { [JOB_SESSION_FIELD]: e.session }),
    ...(e.ms !== undefined && { duration_ms: e.ms }),
  }));
}

/** One job being written: a clock that advances with each step, and its id. */
interface Job {
  id: string;
  r: Random;
  worker: string;
  log(service: string, level: Level, message: string): void;
  /** A timed step: its duration is drawn around the step's median, the clock moves on by it. */
  step(step: Step, service: string, message: (ms: number) => string, level?: Level): number;
}

function job(r: Random, at: number, emit: (e: Omit<Event, 'order'>) => void): Job {
  const id = hex(r, 16);
  let clock = at;
  return {
    id, r,
    worker: `w-${pad(1 + Math.floor(r() * WORKERS))}`,
    log(service, level, message) {
      emit({ t: clock, service, level, message, session: id });
      clock += 1 + Math.floor(r() * 3);
    },
    step(step, service, message, level = 'INFO') {
      const ms = latency(r, MEDIAN_MS[step]);
      clock += ms;
      emit({ t: clock, service, level, message: message(ms), session: id, ms });
      return ms;
    },
  };
}

const JOBS: Record<'thumbnail' | 'report' | 'sync' | 'webhook', (j: Job) => void> = {
  thumbnail(j) {
    const { r } = j;
    const image = `img-${Math.floor(r() * 1e6)}.jpg`;
    enqueue(j, 'thumbnail', 'media');
    for (let attempt = 1; attempt <= 3; attempt++) {
      if (attempt < 3 && r() < 0.03) {
        j.log('worker', 'WARN', `Download of ${image} failed with ECONNRESET (attempt ${attempt}/3), retrying`);
        continue;
      }
      j.step('download', 'worker', () => `Downloaded source ${image} (${50 + Math.floor(r() * 4000)} KB) from bucket media-raw`);
      break;
    }
    const sizes = [[64, 64], [256, 256], [640, 480], [1280, 960]].slice(0, 1 + Math.floor(r() * 4));
    for (const [w, h] of sizes) {
      j.step('render', 'worker', () => `Rendered variant ${w}x${h} as webp`);
      j.step('store', 'blob-store', () => `Stored object thumbs/${image}/${w}x${h}.webp (${2 + Math.floor(r() * 300)} KB)`);
    }
    j.step('ack', 'queue-broker', () => `Acknowledged job ${j.id}`);
  },
  report(j) {
    const { r } = j;
    const tenant = `t-${100 + Math.floor(r() * 400)}`;
    enqueue(j, 'report', 'reports');
    j.step('query', 'worker', () => `Queried warehouse for tenant ${tenant}: ${Math.floor(exponential(r, 5000))} rows`);
    const pages = 1 + Math.floor(r() * 6);
    for (let p = 1; p <= pages; p++) j.step('page', 'worker', () => `Rendered report page ${p} of ${pages}`);
    j.step('store', 'blob-store', () => `Stored object reports/${tenant}/weekly.pdf (${40 + Math.floor(r() * 900)} KB)`);
    j.step('notify', 'notifier', () => `Sent report email to ${1 + Math.floor(r() * 5)} admins of tenant ${tenant}`);
    j.step('ack', 'queue-broker', () => `Acknowledged job ${j.id}`);
  },
  sync(j) {
    const { r } = j;
    const partner = `crm-${1 + Math.floor(r() * 12)}`;
    enqueue(j, 'crm-sync', 'sync');
    // Pagination: geometric, so most syncs are short and a few are long.
    let pages = 1;
    while (pages < 8 && r() < 0.55) pages++;
    for (let p = 1; p <= pages; p++) {
      const n = p === pages ? Math.floor(r() * 200) : 200;
      j.step('fetch', 'worker', () => `Fetched page ${p} from partner API ${partner} (${n} records)`);
      j.step('upsert', 'worker', () => `Upserted ${n} records into contacts`);
    }
    j.step('cursor', 'worker', () => `Saved sync cursor ${hex(r, 12)} for partner ${partner}`);
    j.step('ack', 'queue-broker', () => `Acknowledged job ${j.id}`);
  },
  webhook(j) {
    const { r } = j;
    const event = `evt-${Math.floor(r() * 1e7)}`;
    const host = `hooks.partner-${1 + Math.floor(r() * 30)}.example`;
    enqueue(j, 'webhook', 'webhooks');
    for (let attempt = 1; attempt <= 5; attempt++) {
      if (attempt < 5 && r() < 0.06) {
        j.log('worker', 'WARN', `Webhook ${event} delivery attempt ${attempt}/5 timed out after 3000 ms; retrying in ${250 * 2 ** attempt} ms`);
        continue;
      }
      j.step('deliver', 'worker', () => `Delivered webhook ${event} to https://${host}/events: HTTP ${r() < 0.9 ? 200 : 204}`);
      break;
    }
    j.step('ack', 'queue-broker', () => `Acknowledged job ${j.id}`);
  },
};

function enqueue(j: Job, kind: string, queue: string): void {
  j.log('scheduler', 'INFO', `Enqueued job ${j.id} kind=${kind} queue=${queue} priority=${1 + Math.floor(j.r() * 3)}`);
  j.step('dequeue', 'queue-broker', (ms) => `Dequeued job ${j.id} by worker ${j.worker} after ${ms} ms in queue`);
}

/** Log-normal around `median` (σ 0.35 in log space), with a 0.5 % tail 3–8× slower; whole ms, at least 1. */
function latency(r: Random, median: number): number {
  const u = Math.max(r(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  const tail = r() < 0.005 ? 3 + r() * 5 : 1;
  return Math.max(1, Math.round(median * Math.exp(0.35 * z) * tail));
}

function exponential(r: Random, mean: number): number {
  return -Math.log(1 - r()) * mean;
}

function pick<T extends string>(r: Random, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let x = r() * total;
  for (const [value, w] of weighted) if ((x -= w) < 0) return value;
  return weighted[weighted.length - 1]![0];
}

function hex(r: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

const pad = (n: number) => String(n).padStart(2, '0');
