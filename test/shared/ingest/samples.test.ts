import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileInput } from '../../../cli/adapters/fs-input.ts';
import { ingestAll } from './helpers.ts';

const SAMPLES = join(import.meta.dirname, '../../../events/samples');

describe('the committed samples', () => {
  it('reads the JSON-lines service log with request ids, durations and levels', async () => {
    const { records, report } = await ingestAll([fileInput(join(SAMPLES, 'checkout-api.jsonl'))]);

    expect(records).toHaveLength(120);
    expect(records.every((r) => r.sessionId && r.durationMs !== undefined && r.timestamp && r.service === 'checkout-api')).toBe(true);
    expect(records.filter((r) => r.level === 'ERROR').map((r) => r.line)).toEqual([58, 59, 60]);
    expect(report.problemCount).toBe(0);
  });

  it('reads the pino-style JSON array with the service mapped from name', async () => {
    const { records, report } = await ingestAll([fileInput(join(SAMPLES, 'billing-worker.json'))], { fields: { service: ['name'] } });

    expect(records).toHaveLength(40);
    expect(records[0]).toMatchObject({ line: 1, service: 'billing-worker', level: 'INFO' });
    expect(report.problemCount).toBe(0);
  });

  it('reads the HDFS text log with its header format, folding the stack trace into the line that logged it', async () => {
    const format = '<Date> <Time> <Pid> <Level> <Component>: <Content>';

    const { records, report } = await ingestAll([fileInput(join(SAMPLES, 'hdfs-datanode.log'))], { format });

    expect(records).toHaveLength(80);
    expect(records.filter((r) => r.level === 'WARN')).toHaveLength(1);
    expect(report.counts.unmatched).toBe(0);
    expect(records.find((r) => r.line === 45)!.detail!.split('\n')).toHaveLength(2);
  });

  it('reads both files of the gzipped tar bundle', async () => {
    const { records } = await ingestAll([fileInput(join(SAMPLES, 'mixed-bundle.tgz'))]);

    expect(new Set(records.map((r) => r.source.slice(r.source.indexOf('mixed-bundle'))))).toEqual(new Set(['mixed-bundle.tgz!app/web.log', 'mixed-bundle.tgz!app/jobs.jsonl']));
    expect(records).toHaveLength(56);
  });
});
