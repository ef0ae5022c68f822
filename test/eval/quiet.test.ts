/**
 * Issue 10, "Measure it": a clean run (baseline and input from the same system, no incident) gives at
 * most 5 findings, on every corpus. A fast subset of `npm run eval:quiet` (same corpora, smaller sizes).
 */
import { describe, expect, it } from 'vitest';
import { hdfsCase, jobQueueCase, loghubCase, MICROSERVICE_PAIRS, microserviceCase, type CleanCase } from '../../scripts/lib/eval-corpora.ts';
import { runClean } from '../../scripts/lib/quiet-runs.ts';

const QUIET_BOUND = 5;

const CASES: { name: string; make: () => CleanCase }[] = [
  ...MICROSERVICE_PAIRS.slice(0, 2).map((pair) => ({ name: `microservice seeds ${pair.baseline}→${pair.input}, 2000 sessions`, make: () => microserviceCase(pair, 2000) })),
  { name: 'hdfs-100k, first 2000 normal sessions split in halves', make: () => hdfsCase(2000) },
  { name: 'loghub-2k OpenSSH halves', make: () => loghubCase('OpenSSH') },
  { name: 'loghub-2k HDFS halves', make: () => loghubCase('HDFS') },
  { name: 'job-queue seeds 101→202, 2000 jobs', make: () => jobQueueCase({ baseline: 101, input: 202 }, 2000) },
];

describe('a clean run', () => {
  it.each(CASES)(`gives at most ${QUIET_BOUND} findings: $name`, async ({ make }) => {
    const result = await runClean(make());

    // The types and templates in the message say what fired when it fails.
    expect(result.findings, JSON.stringify({ byType: result.byType, findings: result.templates.slice(0, 10) }, null, 1)).toBeLessThanOrEqual(QUIET_BOUND);
  });
});
