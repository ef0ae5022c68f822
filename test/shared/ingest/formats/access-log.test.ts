import { describe, expect, it } from 'vitest';
import { accessLogPreset, requestTimeMs } from '../../../../shared/ingest/formats/access-log.ts';
import { ACCESS_LOG, expectClaimedOnlyBy, parseAll, parseOne } from './common-samples.ts';

const records = parseAll(accessLogPreset, ACCESS_LOG);

describe('access-log preset', () => {
  it('reads an Nginx combined line with $request_time', () => {
    expect(records[0]).toEqual({
      source: 'sample.log',
      line: 1,
      message: 'GET /api/orders/{num}?page={*}',
      level: 'INFO',
      timestamp: Date.parse('2015-05-17T10:05:03Z'),
      sessionId: '203.0.113.9',
      durationMs: 123,
      fields: {
        client: '203.0.113.9',
        status: '200',
        bytes: '5316',
        referer: 'https://shop.example.com/cart',
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
        request: 'GET /api/orders/12345?page=2 HTTP/1.1',
        request_time: '0.123',
        trailing: '0.123',
      },
    });
  });

  it('keeps referer, user agent, bytes and status out of the message', () => {
    const record = records[0] as { message: string };
    for (const part of ['shop.example.com', 'Mozilla', '5316', '200', '12345']) expect(record.message).not.toContain(part);
  });

  it('takes the level from the status: 5xx ERROR, 4xx WARN', () => {
    expect(records.map((r) => (r as { level?: string }).level)).toEqual(['INFO', 'ERROR', 'WARN', 'INFO', 'INFO', 'INFO', 'WARN']);
  });

  it('reads a decimal request time as seconds and an integer one as microseconds (%D)', () => {
    expect(records.map((r) => (r as { durationMs?: number }).durationMs)).toEqual([123, 30001, 0, 5.1, undefined, undefined, 1]);
  });

  it('applies the zone of the CLF time', () => {
    expect(records[3]).toMatchObject({ timestamp: Date.parse('2000-10-10T20:55:36Z'), sessionId: '127.0.0.1' });
  });

  it('reads a Common Log Format line without referer and user agent', () => {
    expect(records[4]).toEqual({
      source: 'sample.log',
      line: 5,
      message: 'GET /apache_pb.gif',
      level: 'INFO',
      timestamp: Date.parse('2000-10-10T20:55:36Z'),
      sessionId: '127.0.0.1',
      fields: { client: '127.0.0.1', status: '200', user: 'frank', bytes: '2326', request: 'GET /apache_pb.gif HTTP/1.0' },
    });
  });

  it('reads a vhost_combined line: the vhost goes to fields, the client is still the session', () => {
    expect(records[5]).toMatchObject({
      message: 'GET /users/{id}/profile',
      sessionId: '192.0.2.1',
      fields: { vhost: 'www.example.com:443', client: '192.0.2.1', status: '304' },
    });
    expect((records[5] as { fields: Record<string, string> }).fields).not.toHaveProperty('bytes');
  });

  it('keeps a junk request line as its message', () => {
    expect(records[6]).toMatchObject({ message: '\\x16\\x03\\x01', level: 'WARN' });
  });

  it('reads a keyed rt= request time and ignores the upstream times after it', () => {
    const line = '10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/2.0" 200 12 "-" "curl/8" rt=0.052 uct="0.000" uht="0.050" urt="0.050"';
    expect(parseOne(accessLogPreset, line)).toMatchObject({ durationMs: 52, fields: { request_time: '0.052' } });
  });

  it('takes no duration from Nginx main\'s trailing "$http_x_forwarded_for"', () => {
    const line = '10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8" "203.0.113.50, 10.0.0.2"';
    const record = parseOne(accessLogPreset, line) as { durationMs?: number; fields: Record<string, string> };
    expect(record.durationMs).toBeUndefined();
    expect(record.fields.trailing).toBe('"203.0.113.50, 10.0.0.2"');
  });

  it('reads escaped quotes inside the user agent', () => {
    const line = '10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 12 "-" "bot \\"quoted\\" 1.0" 0.010';
    expect(parseOne(accessLogPreset, line)).toMatchObject({ fields: { user_agent: 'bot \\"quoted\\" 1.0' }, durationMs: 10 });
  });

  it('prefers the first decimal time and otherwise the last integer', () => {
    expect(requestTimeMs('0.120 0.118')?.ms).toBe(120);
    expect(requestTimeMs('"-" 4242')?.ms).toBe(4.242);
    expect(requestTimeMs('"-"')).toBeUndefined();
  });

  it.each([
    ['a bad month', '10.0.0.1 - - [01/Foo/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 12'],
    ['a missing status', '10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1"'],
    ['an S3 access log line', '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /awsexamplebucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" -'],
    ['prose', 'the server started at [01/Jan/2024:00:00:00 +0000]'],
  ])('does not read %s', (_why, line) => {
    expect(parseOne(accessLogPreset, line)).toBeUndefined();
  });

  it('is sniffed as access-log and read by no other common preset', () => {
    expectClaimedOnlyBy(accessLogPreset, ACCESS_LOG);
  });

  it('describes what it provides', () => {
    expect(accessLogPreset.provides).toEqual({ duration: true, level: true, session: true, service: false });
    expect(accessLogPreset.multiline).toBe('none');
  });
});
