import { describe, expect, it } from 'vitest';
import { JsonRecordMapper, resolveFieldMapping } from '../../../shared/ingest/field-mapping.ts';
import { normalizeLevel, parseDurationMs, parseTimestamp } from '../../../shared/ingest/normalize.ts';
import { ingestAll, memoryInput } from './helpers.ts';

function mapOne(value: unknown, mapping = resolveFieldMapping()) {
  return new JsonRecordMapper(mapping).map(value, 'app.jsonl', 1);
}

describe('JSON field mapping', () => {
  it.each(['message', 'msg', 'log', '@message', 'body', 'event'])('takes the message from %s', (key) => {
    expect(mapOne({ [key]: 'hello' }).message).toBe('hello');
  });

  it('prefers message over msg when both are present', () => {
    expect(mapOne({ msg: 'second', message: 'first' }).message).toBe('first');
  });

  it('matches keys case-insensitively', () => {
    expect(mapOne({ Message: 'hi', LEVEL: 'Warning', Service: 'api' })).toMatchObject({ message: 'hi', level: 'WARN', service: 'api' });
  });

  it('reads dotted aliases from nested objects and from flat dotted keys', () => {
    expect(mapOne({ message: 'm', log: { level: 'error' }, service: { name: 'billing' } })).toMatchObject({ level: 'ERROR', service: 'billing' });
    expect(mapOne({ message: 'm', 'log.level': 'debug', 'service.name': 'auth' })).toMatchObject({ level: 'DEBUG', service: 'auth' });
  });

  it('uses the compact JSON of a record without a message field as its message', () => {
    expect(mapOne({ user: 42, action: 'login' }).message).toBe('{"user":42,"action":"login"}');
  });

  it('uses the text of a bare JSON string or number as the message', () => {
    expect(mapOne('just text').message).toBe('just text');
    expect(mapOne(42).message).toBe('42');
  });

  it('drops the trailing newline Docker leaves in the log field', () => {
    expect(mapOne({ log: 'started\n', stream: 'stdout' }).message).toBe('started');
  });

  it.each([[10, 'TRACE'], [20, 'DEBUG'], [30, 'INFO'], [40, 'WARN'], [50, 'ERROR'], [60, 'FATAL']])('maps pino level %i to %s', (n, level) => {
    expect(mapOne({ msg: 'x', level: n }).level).toBe(level);
  });

  it.each([['warning', 'WARN'], ['err', 'ERROR'], ['critical', 'FATAL'], ['Information', 'INFO'], ['trace', 'TRACE'], ['W', 'WARN']])('normalises the level word %s to %s', (word, level) => {
    expect(normalizeLevel(word)).toBe(level);
  });

  it('keeps an unknown level word in fields instead of guessing', () => {
    expect(mapOne({ msg: 'x', level: 'loud' })).toEqual({ source: 'app.jsonl', line: 1, message: 'x', fields: { level: 'loud' } });
  });

  it('reads ISO-8601 timestamps, with or without zone, to epoch ms', () => {
    expect(mapOne({ msg: 'x', '@timestamp': '2024-03-01T12:00:00.250+01:00' }).timestamp).toBe(Date.UTC(2024, 2, 1, 11, 0, 0, 250));
    expect(mapOne({ msg: 'x', time: '2024-03-01 12:00:00' }).timestamp).toBe(Date.UTC(2024, 2, 1, 12));
  });

  it('reads epoch seconds and epoch milliseconds', () => {
    expect(mapOne({ msg: 'x', ts: 1_700_000_000 }).timestamp).toBe(1_700_000_000_000);
    expect(mapOne({ msg: 'x', time: 1_700_000_000_123 }).timestamp).toBe(1_700_000_000_123);
    expect(mapOne({ msg: 'x', ts: 1_700_000_000.5 }).timestamp).toBe(1_700_000_000_500);
  });

  it('leaves the timestamp out when it cannot be read', () => {
    expect(mapOne({ msg: 'x', timestamp: 'yesterday' })).not.toHaveProperty('timestamp');
  });

  it('reads durations in ms and converts *_us and *_s fields to ms', () => {
    expect(mapOne({ msg: 'x', duration_ms: 12.5 }).durationMs).toBe(12.5);
    expect(mapOne({ msg: 'x', latency_us: 2500 }).durationMs).toBe(2.5);
    expect(mapOne({ msg: 'x', elapsed_s: 1.5 }).durationMs).toBe(1500);
    expect(mapOne({ msg: 'x', response_time_ms: '40' }).durationMs).toBe(40);
    expect(mapOne({ msg: 'x', duration: '1.5s' }).durationMs).toBe(1500);
  });

  it('takes the first present session field in the default order', () => {
    expect(mapOne({ msg: 'x', trace_id: 't-1', request_id: 'r-1' }).sessionId).toBe('r-1');
    expect(mapOne({ msg: 'x', 'x-request-id': 'xr-9' }).sessionId).toBe('xr-9');
  });

  it('follows a caller-given session field order', () => {
    const mapping = resolveFieldMapping(undefined, ['trace_id', 'request_id']);

    expect(mapOne({ msg: 'x', request_id: 'r-1', trace_id: 't-1' }, mapping).sessionId).toBe('t-1');
  });

  it.each(['service', 'app', 'logger'])('takes the service from %s', (key) => {
    expect(mapOne({ msg: 'x', [key]: 'orders' }).service).toBe('orders');
  });

  it('lets the caller replace an alias list', () => {
    const mapping = resolveFieldMapping({ message: ['text'], level: ['lvl'] });

    expect(mapOne({ text: 'custom', lvl: 'error', msg: 'ignored' }, mapping)).toEqual({ source: 'app.jsonl', line: 1, message: 'custom', level: 'ERROR' });
  });

  it('maps records of different shapes in one stream correctly', () => {
    const mapper = new JsonRecordMapper(resolveFieldMapping());

    const records = [{ msg: 'a', level: 'info' }, { level: 'warn', msg: 'b' }, { msg: 'c' }, { msg: 'd', level: 'error' }]
      .map((value, i) => mapper.map(value, 's', i + 1));

    expect(records.map((r) => `${r.message}/${r.level ?? '-'}`)).toEqual(['a/INFO', 'b/WARN', 'c/-', 'd/ERROR']);
  });

  it('applies field overrides through ingest options', async () => {
    const input = memoryInput('app.jsonl', '{"text":"hello","rid":"abc"}\n');

    const { records } = await ingestAll([input], { fields: { message: ['text'] }, sessionFields: ['rid'] });

    expect(records).toEqual([{ source: 'app.jsonl', line: 1, message: 'hello', sessionId: 'abc' }]);
  });
});

describe('value normalisers', () => {
  it('reads a zone-less date and time as UTC, never local time', () => {
    expect(parseTimestamp('2015-10-18 18:01:47,978')).toBe(Date.UTC(2015, 9, 18, 18, 1, 47, 978));
  });

  it('refuses a zone-less date in a form Date.parse would read as local time', () => {
    expect(parseTimestamp('Jun 14 15:16:01')).toBeUndefined();
  });

  it('reads a duration string with a unit whatever the field unit', () => {
    expect(parseDurationMs('250us', 1000)).toBe(0.25);
  });
});
