/**
 * A seeded baseline for the design's worked example (`events/logs/sample_logs.json`): a payment
 * service whose requests (`correlation_id` req-NNNN) query the database, report memory, call the
 * payment gateway and finish. Now and then the database connection times out fast (the driver's
 * 100–150 ms connect timeout) and is retried: the template is known, its durations are short.
 */
import { createRandom } from '../../shared/random.ts';

/** The design's four records, exactly, in its order. */
export const DESIGN_SAMPLE = [
  { timestamp: '2026-02-06T10:30:17Z', level: 'ERROR', message: 'Database connection timeout after 5000ms', duration_ms: 5200, correlation_id: 'req-003' },
  { timestamp: '2026-02-06T10:30:19Z', level: 'WARN', message: 'Memory usage at 85 percent', duration_ms: 10, correlation_id: 'req-003' },
  { timestamp: '2026-02-06T10:30:23Z', level: 'ERROR', message: 'Payment gateway returned 503', duration_ms: 3200, correlation_id: 'req-003' },
  { timestamp: '2026-02-06T10:30:25Z', level: 'FATAL', message: 'OutOfMemoryError: Java heap space', duration_ms: 1, correlation_id: 'req-003' },
] as const;

interface DesignRecord { timestamp: string; level: string; message: string; duration_ms: number; correlation_id: string }

/** `sessions` requests over the day before the sample, seeded: the same seed gives the same lines. */
export function* designBaseline(seed: number, sessions: number): Generator<string> {
  const random = createRandom(seed);
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));
  const start = Date.UTC(2026, 1, 5, 10, 0, 0);
  for (let s = 0; s < sessions; s++) {
    const sid = `req-${String(1000 + s).padStart(4, '0')}`;
    let t = start + s * Math.floor(86_400_000 / sessions) + between(0, 5000);
    const out: DesignRecord[] = [];
    const log = (level: string, message: string, ms: number) => {
      out.push({ timestamp: new Date(t).toISOString().replace('.000Z', 'Z'), level, message, duration_ms: ms, correlation_id: sid });
      t += ms + between(5, 400);
    };
    log('INFO', `Processing payment for order ${between(10_000, 99_999)}`, between(1, 4));
    if (random() < 0.12) {
      const timeout = between(100, 150);
      log('ERROR', `Database connection timeout after ${timeout}ms`, timeout + between(2, 20));
      log('INFO', `Retrying database connection (attempt ${between(2, 3)})`, between(1, 3));
    }
    log('INFO', `Database query completed in ${between(8, 60)}ms`, between(8, 60));
    const memory = between(40, 82);
    log(memory >= 75 ? 'WARN' : 'INFO', `Memory usage at ${memory} percent`, 10);
    const failed = random() < 0.03;
    log(failed ? 'ERROR' : 'INFO', `Payment gateway returned ${failed ? 503 : 200}`, between(150, 450));
    log(failed ? 'WARN' : 'INFO', `Request completed with status ${failed ? 502 : 200}`, between(200, 600));
    for (const record of out) yield JSON.stringify(record);
  }
}
