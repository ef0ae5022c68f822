/**
 * A seeded generator of many short sessions (two records each: a login request and its result),
 * interleaved about `open` at a time, in the generator's gateway and auth formats: inputs with
 * millions of sessions for the memory bench (scripts/lib/bench-memory.ts), ~120 bytes a line.
 */
import { createRandom } from '../../shared/random.ts';

export interface ShortSessionOptions {
  seed: number;
  sessions: number;
  /** Sessions in progress at once (default 2000). */
  open?: number;
  /** Epoch ms of the first record (default 2026-11-01T00:00:00Z). */
  startTime?: number;
}

/** Yields JSON lines; the same options give byte-identical output. Session ids are unique. */
export function* generateShortSessions(options: ShortSessionOptions): Generator<string> {
  const random = createRandom(options.seed);
  const open: { id: string; ip: string; user: number }[] = [];
  const target = options.open ?? 2000;
  let t = options.startTime ?? Date.UTC(2026, 10, 1);
  let started = 0;
  while (started < options.sessions || open.length > 0) {
    t += Math.floor(random() * 3);
    if (started < options.sessions && (open.length < target || random() < 0.5)) {
      const session = { id: `s${options.seed.toString(36)}-${(started++).toString(36)}`, ip: `10.${Math.floor(random() * 4)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`, user: 1000 + Math.floor(random() * 9000) };
      open.push(session);
      yield JSON.stringify({ timestamp: new Date(t).toISOString(), level: 'info', service: 'api-gateway', request_id: session.id, message: `Received POST /api/login from ${session.ip}` });
      continue;
    }
    const at = Math.floor(random() * open.length);
    const session = open[at]!;
    open[at] = open[open.length - 1]!;
    open.pop();
    yield JSON.stringify({ time: t, level: 30, app: 'auth-service', correlationId: session.id, msg: `User u-${session.user} logged in from ${session.ip}`, latency_ms: 20 + Math.floor(random() * 40) });
  }
}
