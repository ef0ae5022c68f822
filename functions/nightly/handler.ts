/**
 * Nightly Lambda, on an EventBridge schedule: the day before the event's time (UTC) is fanned out,
 * one message per source on the nightly job queue (functions/nightly-source runs each).
 * Invoke it by hand with `{"day": "YYYY-MM-DD"}` to (re)build one day in this invocation, every
 * source one after another, steps without time left handed to the queue; or with
 * `{"day": "YYYY-MM-DD", "fanOut": true}` to queue one job per source instead. A past day uses
 * the model current on that day; a second run changes nothing.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import { nightlySources, runNightly } from '../../shared/pipeline/stages/nightly.ts';
import { countNightly, metrics } from '../lib/metrics.ts';
import { logger } from '../lib/powertools.ts';
import { config, nightlyQueue, ports } from './wiring.ts';

const eventSchema = z.union([
  z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), fanOut: z.boolean().optional() }),
  z.object({ time: z.iso.datetime() }).loose(),
]);

export const handler = async (event: ScheduledEvent | { day: string }, context: Context) => {
  logger.addContext(context);
  const parsed = eventSchema.parse(event);
  const now = Date.now();
  const day = 'day' in parsed ? String(parsed.day) : new Date(Date.parse(String(parsed.time)) - 86_400_000).toISOString().slice(0, 10);
  if (('day' in parsed && parsed.fanOut !== true) || !nightlyQueue) {
    const outcome = await runNightly(ports, {
      day, now, historyDays: config.HISTORY_DAYS, top: config.DIGEST_TOP,
      ...(nightlyQueue && { remainingMs: () => context.getRemainingTimeInMillis() }),
    });
    for (const source of outcome.sources) countNightly(source);
    const handedBack = outcome.sources.filter((o) => o.handedBack.length > 0).map((o) => ({ kind: 'nightly-source' as const, source: o.source, day, now, steps: o.handedBack }));
    if (handedBack.length > 0) await nightlyQueue!.send(handedBack);
    metrics.publishStoredMetrics();
    logger.info('nightly', { ...outcome });
    return outcome;
  }
  const sources = await nightlySources(ports, day);
  await nightlyQueue.send(sources.map((source) => ({ kind: 'nightly-source' as const, source, day, now })));
  logger.info('nightly fan-out', { day, sources });
  return { day, queued: sources };
};
