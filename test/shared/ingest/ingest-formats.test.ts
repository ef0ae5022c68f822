import { describe, expect, it } from 'vitest';
import { HeaderFormatError } from '../../../shared/ingest/header-format.ts';
import { ingestAll, jsonLines, memoryInput } from './helpers.ts';

describe('ingest: formats are recognised from content', () => {
  it('reads JSON lines whatever the file is called', async () => {
    const input = memoryInput('service.log', '{"msg":"started","level":"info"}\n{"msg":"stopped","level":"warn"}\n');

    const { records, report } = await ingestAll([input]);

    expect(records).toEqual([
      { source: 'service.log', line: 1, message: 'started', level: 'INFO' },
      { source: 'service.log', line: 2, message: 'stopped', level: 'WARN' },
    ]);
    expect(report.problemCount).toBe(0);
  });

  it('streams a top-level JSON array and numbers its elements from 1', async () => {
    const input = memoryInput('events.json', '[\n  {"message": "a", "severity": "ERROR"},\n  {"message": "b"},\n  "bare"\n]\n');

    const { records } = await ingestAll([input]);

    expect(records).toEqual([
      { source: 'events.json', line: 1, message: 'a', level: 'ERROR' },
      { source: 'events.json', line: 2, message: 'b' },
      { source: 'events.json', line: 3, message: 'bare' },
    ]);
  });

  it('reports a JSON array element that is not JSON, with its index', async () => {
    const input = memoryInput('events.json', '[{"msg":"a"},{"msg":"b"},{"msg": oops}]');

    const { records, report } = await ingestAll([input]);

    expect(records.map((r) => r.message)).toEqual(['a', 'b']);
    expect(report.counts.malformed).toBe(1);
    expect(report.problems[0]).toMatchObject({ kind: 'malformed', line: 3 });
    expect(report.problems[0]!.message).toMatch(/^events\.json: element 3 of the JSON array is not valid JSON \(.+\); element skipped, the rest is read$/);
  });

  it('reads a text line starting with a bracketed date as text, not as a JSON array', async () => {
    const input = memoryInput('app.log', '[2024-01-01 10:00:00] INFO started\n[2024-01-01 10:00:01] INFO ready\n');

    const { records } = await ingestAll([input]);

    expect(records.map((r) => r.message)).toEqual(['[2024-01-01 10:00:00] INFO started', '[2024-01-01 10:00:01] INFO ready']);
  });

  it('reads plain text with the whole line as the message when no format is given', async () => {
    const input = memoryInput('app.log', 'first line\nsecond line\n');

    const { records } = await ingestAll([input]);

    expect(records).toEqual([
      { source: 'app.log', line: 1, message: 'first line' },
      { source: 'app.log', line: 2, message: 'second line' },
    ]);
  });

  it('treats a mostly-text file with a few JSON lines as text', async () => {
    const text = 'boot ok\n{"msg":"a config dump"}\ndisk ok\nnet ok\n';

    const { records, report } = await ingestAll([memoryInput('boot.log', text)]);

    expect(records.map((r) => r.message)).toEqual(['boot ok', '{"msg":"a config dump"}', 'disk ok', 'net ok']);
    expect(report.problemCount).toBe(0);
  });

  it('treats a mostly-JSON file with a few text lines as JSON lines, the text continuing the record before it', async () => {
    const text = '{"msg":"a"}\n{"msg":"b"}\nplain words\n{"msg":"c"}\n';

    const { records, report } = await ingestAll([memoryInput('app.jsonl', text)]);

    expect(records.map((r) => r.message)).toEqual(['a', 'b', 'c']);
    expect(records[1]!.detail).toBe('plain words');
    expect(report.problemCount).toBe(0);
  });

  it('reports a JSON line that does not parse as malformed, with its line number', async () => {
    const text = '{"msg":"a"}\n{"msg": oops}\n{"msg":"c"}\n';

    const { records, report } = await ingestAll([memoryInput('app.jsonl', text)]);

    expect(records.map((r) => r.message)).toEqual(['a', 'c']);
    expect(report.counts.malformed).toBe(1);
    expect(report.problems[0]).toMatchObject({ kind: 'malformed', source: 'app.jsonl', line: 2 });
  });
});

describe('ingest: plain-text header formats', () => {
  const format = '<Date> <Time> <Level> <Component>: <Content>';

  it('maps date and time to the timestamp, the level, the component to service and the content to the message', async () => {
    const input = memoryInput('hdfs.log', '2015-10-18 18:01:47,978 INFO dfs.DataNode: Receiving block blk_1\n');

    const { records, report } = await ingestAll([input], { format });

    expect(records).toEqual([{
      source: 'hdfs.log',
      line: 1,
      message: 'Receiving block blk_1',
      level: 'INFO',
      timestamp: Date.UTC(2015, 9, 18, 18, 1, 47, 978),
      service: 'dfs.DataNode',
    }]);
    expect(report.problemCount).toBe(0);
  });

  it('keeps header fields it does not map in fields', async () => {
    const input = memoryInput('app.log', '2024-05-01 12:00:00 4242 WARN disk almost full\n');

    const { records } = await ingestAll([input], { format: '<Date> <Time> <Pid> <Level> <Content>' });

    expect(records[0]).toMatchObject({ message: 'disk almost full', level: 'WARN', fields: { Pid: '4242' } });
  });

  it('keeps a first line that does not match as a whole-line record and counts it as unmatched', async () => {
    const input = memoryInput('hdfs.log', 'garbage before the first header\n2015-10-18 18:01:47,978 INFO dfs.DataNode: ok\n');

    const { records, report } = await ingestAll([input], { format });

    expect(records[0]).toEqual({ source: 'hdfs.log', line: 1, message: 'garbage before the first header' });
    expect(records[1]).toMatchObject({ line: 2, message: 'ok', level: 'INFO' });
    expect(report.counts.unmatched).toBe(1);
    expect(report.problems[0]!.message).toBe(`hdfs.log:1: does not match the format "${format}"; kept whole as the message`);
  });

  it('folds a line without the header into the event before it', async () => {
    const input = memoryInput('hdfs.log', '2015-10-18 18:01:47,978 INFO dfs.DataNode: ok\n    at java.lang.Thread.run\n');

    const { records, report } = await ingestAll([input], { format });

    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ line: 1, message: 'ok', detail: '    at java.lang.Thread.run' });
    expect(report.counts.unmatched).toBe(0);
  });

  it('does not apply the text format to JSON inputs', async () => {
    const { records, report } = await ingestAll([memoryInput('app.jsonl', jsonLines(2))], { format });

    expect(records.map((r) => r.message)).toEqual(['line 1', 'line 2']);
    expect(report.counts.unmatched).toBe(0);
  });

  it('rejects a format without <Content> before reading anything', async () => {
    await expect(ingestAll([memoryInput('a.log', 'x\n')], { format: '<Date> <Level>' })).rejects.toThrow(HeaderFormatError);
  });
});

describe('ingest: batches, order and sources', () => {
  it('yields batches of batchSize records with a smaller last batch', async () => {
    const { batchSizes } = await ingestAll([memoryInput('a.jsonl', jsonLines(25), 64)], { batchSize: 10 });

    expect(batchSizes).toEqual([10, 10, 5]);
  });

  it('keeps input order across inputs and fills batches across input boundaries', async () => {
    const inputs = [memoryInput('a.log', 'a1\na2\na3\n'), memoryInput('b.log', 'b1\nb2\n')];

    const { records, batchSizes } = await ingestAll(inputs, { batchSize: 4 });

    expect(records.map((r) => `${r.source}:${r.line}:${r.message}`)).toEqual(['a.log:1:a1', 'a.log:2:a2', 'a.log:3:a3', 'b.log:1:b1', 'b.log:2:b2']);
    expect(batchSizes).toEqual([4, 1]);
  });

  it('counts records, bytes and sources in the report', async () => {
    const content = 'one\ntwo\n';

    const { report } = await ingestAll([memoryInput('a.log', content), memoryInput('b.log', content)]);

    expect({ records: report.records, bytes: report.bytes, read: report.sourcesRead, failed: report.sourcesFailed })
      .toEqual({ records: 4, bytes: 16, read: 2, failed: 0 });
    expect(report.summary()).toBe('4 records from 2 sources (16 B); no problems');
  });

  it('accepts a synchronous iterable of inputs as well as an async one', async () => {
    async function* inputs() {
      yield memoryInput('a.log', 'x\n');
    }

    const { records } = await ingestAll(inputs());

    expect(records).toEqual([{ source: 'a.log', line: 1, message: 'x' }]);
  });
});
