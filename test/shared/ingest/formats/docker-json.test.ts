import { describe, expect, it } from 'vitest';
import { createDockerJsonParser, dockerJsonPreset, MAX_JOINED_CHARS } from '../../../../shared/ingest/formats/docker-json.ts';
import { sniffJsonPreset } from '../../../../shared/ingest/formats/registry.ts';
import { context } from './lambda-samples.ts';

const CHUNK = 16 * 1024;

/** A json-file log: a plain line, a 40 000-character line split in 16 KiB chunks, a JSON inner log on stderr. */
const LONG = 'x'.repeat(40_000);
const LINES = [
  { log: 'server listening on :8080\n', stream: 'stdout', time: '2024-05-14T09:21:07.100200300Z' },
  { log: LONG.slice(0, CHUNK), stream: 'stdout', time: '2024-05-14T09:21:07.200000000Z' },
  { log: LONG.slice(CHUNK, 2 * CHUNK), stream: 'stdout', time: '2024-05-14T09:21:07.200000001Z' },
  { log: `${LONG.slice(2 * CHUNK)}\n`, stream: 'stdout', time: '2024-05-14T09:21:07.200000002Z' },
  { log: '{"level":"error","msg":"db timeout","duration_ms":5012,"request_id":"req-7f3a","service":"orders"}\n', stream: 'stderr', time: '2024-05-14T09:21:08.000000000Z' },
];

function readAll(values: unknown[]) {
  const parser = dockerJsonPreset.create(context());
  return values.map((value, i) => parser.records(value, 'c.log', i + 1));
}

describe('docker-json preset', () => {
  it('reads a plain line: the log without its newline is the message, docker time the timestamp, stream in fields', () => {
    expect(readAll([LINES[0]])[0]).toEqual([{
      source: 'c.log',
      line: 1,
      message: 'server listening on :8080',
      timestamp: Date.UTC(2024, 4, 14, 9, 21, 7, 100),
      fields: { stream: 'stdout' },
    }]);
  });

  it('joins the chunks of a line Docker split at 16 KiB into one record on the completing line', () => {
    const results = readAll(LINES.slice(0, 4));
    expect(results.map((r) => r.length)).toEqual([1, 0, 0, 1]);
    const joined = results[3]![0]!;
    expect(joined.message).toBe(LONG);
    expect(joined.line).toBe(4);
    expect(joined.timestamp).toBe(Date.UTC(2024, 4, 14, 9, 21, 7, 200));
  });

  it('maps a JSON inner log with the mapper, falling back to docker time', () => {
    const record = readAll([LINES[4]])[0]![0];
    expect(record).toEqual({
      source: 'c.log',
      line: 1,
      message: 'db timeout',
      level: 'ERROR',
      durationMs: 5012,
      sessionId: 'req-7f3a',
      service: 'orders',
      timestamp: Date.UTC(2024, 4, 14, 9, 21, 8),
      fields: { stream: 'stderr' },
    });
  });

  it('prefers the inner JSON time over docker time', () => {
    const [[record]] = readAll([{ log: '{"msg":"ok","time":"2024-05-14T09:00:00Z"}\n', stream: 'stdout', time: '2024-05-14T09:21:08Z' }]);
    expect(record?.timestamp).toBe(Date.UTC(2024, 4, 14, 9));
  });

  it('keeps stdout chunks apart from an interleaved stderr line', () => {
    const results = readAll([
      { log: 'first half ', stream: 'stdout', time: '2024-05-14T09:21:07Z' },
      { log: 'boom\n', stream: 'stderr', time: '2024-05-14T09:21:07Z' },
      { log: 'second half\n', stream: 'stdout', time: '2024-05-14T09:21:07Z' },
    ]);
    expect(results.flat().map((r) => [r.message, r.line])).toEqual([['boom', 2], ['first half second half', 3]]);
  });

  it('caps a joined line at 1 MiB and marks it truncated', () => {
    const parser = dockerJsonPreset.create(context());
    const piece = 'y'.repeat(CHUNK);
    const chunks = Math.ceil(MAX_JOINED_CHARS / CHUNK) + 3;
    let out: ReturnType<typeof parser.records> = [];
    for (let i = 1; i <= chunks; i++) out = parser.records({ log: i === chunks ? 'end\n' : piece, stream: 'stdout', time: '2024-05-14T09:21:07Z' }, 'c.log', i);
    expect(out).toHaveLength(1);
    expect(out[0]!.message).toHaveLength(MAX_JOINED_CHARS);
    expect(out[0]!.fields?.truncated).toBe('true');
  });

  it('hands out a line whose last chunk never came on flush', () => {
    const parser = createDockerJsonParser(context());
    expect(parser.records({ log: 'cut off', stream: 'stdout', time: '2024-05-14T09:21:07Z' }, 'c.log', 1)).toEqual([]);
    expect(parser.flush('c.log', 2).map((r) => r.message)).toEqual(['cut off']);
    expect(parser.flush('c.log', 2)).toEqual([]);
  });

  it('gives no record for a blank line or a value without log', () => {
    expect(readAll([{ log: '\n', stream: 'stdout', time: '2024-05-14T09:21:07Z' }, { msg: 'x' }, 'x'])).toEqual([[], [], []]);
  });

  it('is sniffed from its first line, and not from another JSON log', () => {
    const head = LINES.map((l) => JSON.stringify(l)).join('\n');
    expect(sniffJsonPreset(head, LINES[0])?.name).toBe('docker-json');
    expect(dockerJsonPreset.sniff('{"log":"x","level":"info"}', { log: 'x', level: 'info' })).toBe(false);
  });
});
