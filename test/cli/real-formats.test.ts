/**
 * Real formats end to end through the CLI, with no options: the preset is sniffed, durations,
 * levels and sessions come from it, and the injected incident is the finding an SRE would expect.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../cli/output/result.ts';
import { expectWholeInvocation, REAL_INCIDENTS } from '../support/real-logs.ts';
import { logsleuth, tempDir } from './helpers.ts';

describe('real formats through `logsleuth analyze`, zero configuration', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await writeFile(join(dir, 'alb-baseline.log.gz'), REAL_INCIDENTS.alb.baseline());
    await writeFile(join(dir, 'alb-incident.log.gz'), REAL_INCIDENTS.alb.incident());
    // Firehose object names have no extension.
    await writeFile(join(dir, 'checkout-stream-1-2026-03-02-10-05-00-0b4f3c0e'), REAL_INCIDENTS.firehose.baseline());
    await writeFile(join(dir, 'checkout-stream-1-2026-03-03-10-05-00-7d1e9a2b'), REAL_INCIDENTS.firehose.incident());
    await writeFile(join(dir, 'orders-baseline.log'), REAL_INCIDENTS.java.baseline());
    await writeFile(join(dir, 'orders-incident.log'), REAL_INCIDENTS.java.incident());
  });
  afterAll(() => cleanup());

  async function analyze(incident: string, baseline: string): Promise<ResultDocument> {
    const run = await logsleuth(['analyze', join(dir, incident), '--baseline', join(dir, baseline), '--json', '--no-store']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as ResultDocument;
  }

  it('ALB access logs (gzip): a slow target shows as a duration spike on its route', async () => {
    const result = await analyze('alb-incident.log.gz', 'alb-baseline.log.gz');

    expect(result.formats).toEqual({ alb: 1 });
    const spike = result.anomalies[0]!;
    expect(spike).toMatchObject({ type: 'DURATION_SPIKE', template: 'POST /api/checkout' });
    const anchor = spike.context.logs.find((log) => log.anomalous)!;
    expect(anchor).toMatchObject({ service: '10.0.1.12:8080', level: 'INFO' });
    expect(anchor.durationMs).toBeGreaterThan(4000);
    expect(spike.sessionId).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(result.anomalies.filter((a) => a.type !== 'DURATION_SPIKE')).toEqual([]);
  });

  it('Lambda logs inside Firehose objects: a timeout is found with its whole invocation, START to REPORT', async () => {
    const result = await analyze('checkout-stream-1-2026-03-03-10-05-00-7d1e9a2b', 'checkout-stream-1-2026-03-02-10-05-00-0b4f3c0e');

    expect(result.formats).toEqual({ 'cloudwatch-subscription': 1 });
    const top = result.anomalies[0]!;
    expect(top.template).toBe('Task timed out after {num} seconds');
    expect(top.context.contextType).toBe('FULL_SESSION');
    expectWholeInvocation(top.context.logs);
  });

  it('a Java service: one exception is one finding, with its stack trace in the context', async () => {
    const result = await analyze('orders-incident.log', 'orders-baseline.log');

    expect(result.formats).toEqual({ log4j: 1 });
    expect(result.anomalies).toHaveLength(1);
    const finding = result.anomalies[0]!;
    expect(finding).toMatchObject({ type: 'NEW_TEMPLATE', template: 'Failed to reserve stock for order {num}', count: 1 });
    const anchor = finding.context.logs.find((log) => log.anomalous)!;
    expect(anchor.level).toBe('ERROR');
    expect(anchor.detail!.split('\n')).toHaveLength(6);
    expect(anchor.detail).toContain('Caused by: java.sql.SQLTransientConnectionException');
    expect(finding.explanation!.rootCause).toMatch(/timed out/);
  });

  it('`logsleuth formats <file>` says how a file is read and shows parsed records', async () => {
    const run = await logsleuth(['formats', join(dir, 'alb-incident.log.gz'), '--json']);

    expect(run.code).toBe(0);
    const [view] = JSON.parse(run.stdout) as { format: string; mapping: string[]; records: { durationMs?: number; sessionId?: string; level?: string }[] }[];
    expect(view!.format).toBe('alb');
    expect(view!.records).toHaveLength(3);
    for (const record of view!.records) {
      expect(record.durationMs).toBeGreaterThan(0);
      expect(record.sessionId).toMatch(/^Root=1-/);
      expect(record.level).toBe('INFO');
    }
  });

  it('`logsleuth formats` lists every preset with what it provides', async () => {
    const run = await logsleuth(['formats', '--json']);

    expect(run.code).toBe(0);
    const presets = JSON.parse(run.stdout) as { name: string; provides: Record<string, boolean> }[];
    expect(presets.map((p) => p.name)).toEqual(expect.arrayContaining(['alb', 'elb-classic', 'cloudfront', 's3-access', 'vpc-flow', 'cloudtrail', 'cloudwatch-subscription', 'cloudwatch-export', 'lambda', 'access-log', 'syslog', 'log4j', 'python-logging', 'logfmt', 'cri', 'docker-json']));
    expect(presets.find((p) => p.name === 'alb')!.provides).toEqual({ duration: true, level: true, session: true, service: true });
  });
});
