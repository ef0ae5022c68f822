import { describe, expect, it } from 'vitest';
import { parseClfTimestamp, parseSyslogTimestamp, parseTimestamp } from '../../../shared/ingest/normalize.ts';

const utc = (iso: string) => Date.parse(iso);

describe('parseClfTimestamp', () => {
  it('reads a UTC Common Log Format time', () => {
    expect(parseClfTimestamp('17/May/2015:10:05:03 +0000')).toBe(utc('2015-05-17T10:05:03Z'));
  });

  it('applies a positive and a negative zone offset', () => {
    expect(parseClfTimestamp('10/Oct/2000:13:55:36 -0700')).toBe(utc('2000-10-10T20:55:36Z'));
    expect(parseClfTimestamp('01/Jan/2024:01:30:00 +0530')).toBe(utc('2023-12-31T20:00:00Z'));
  });

  it('tolerates the brackets of %t and a millisecond fraction', () => {
    expect(parseClfTimestamp('[17/May/2015:10:05:03.250 +0000]')).toBe(utc('2015-05-17T10:05:03.250Z'));
  });

  it('reads a time without a zone as UTC', () => {
    expect(parseClfTimestamp('17/May/2015:10:05:03')).toBe(utc('2015-05-17T10:05:03Z'));
  });

  it.each([
    ['an unknown month', '17/Mai/2015:10:05:03 +0000'],
    ['a day the month does not have', '31/Apr/2015:10:05:03 +0000'],
    ['Feb 29 of a common year', '29/Feb/2023:10:05:03 +0000'],
    ['an hour of 24', '17/May/2015:24:05:03 +0000'],
    ['a broken zone', '17/May/2015:10:05:03 +00'],
    ['an ISO time', '2015-05-17T10:05:03Z'],
    ['text', 'yesterday at noon'],
  ])('rejects %s', (_why, text) => {
    expect(parseClfTimestamp(text)).toBeUndefined();
  });

  it('accepts Feb 29 of a leap year', () => {
    expect(parseClfTimestamp('29/Feb/2024:00:00:00 +0000')).toBe(utc('2024-02-29T00:00:00Z'));
  });
});

describe('parseSyslogTimestamp', () => {
  const jan10 = utc('2025-01-10T12:00:00Z');

  it('takes the year of the reference time', () => {
    expect(parseSyslogTimestamp('Jan  5 07:19:01', jan10)).toBe(utc('2025-01-05T07:19:01Z'));
  });

  it('reads a space-padded, an unpadded and a zero-padded day alike', () => {
    const expected = utc('2025-01-02T07:19:01Z');
    expect(parseSyslogTimestamp('Jan  2 07:19:01', jan10)).toBe(expected);
    expect(parseSyslogTimestamp('Jan 2 07:19:01', jan10)).toBe(expected);
    expect(parseSyslogTimestamp('Jan 02 07:19:01', jan10)).toBe(expected);
  });

  it('puts a date more than a month after the reference into the previous year', () => {
    expect(parseSyslogTimestamp('Dec 31 23:59:59', jan10)).toBe(utc('2024-12-31T23:59:59Z'));
    expect(parseSyslogTimestamp('Mar  1 00:00:00', jan10)).toBe(utc('2024-03-01T00:00:00Z'));
  });

  it('keeps a date a few days after the reference (clock skew) in the reference year', () => {
    expect(parseSyslogTimestamp('Jan 20 00:00:00', jan10)).toBe(utc('2025-01-20T00:00:00Z'));
  });

  it('moves forward across New Year within one file: Dec 31 then Jan 1', () => {
    const dec31 = parseSyslogTimestamp('Dec 31 23:59:59', jan10)!;
    const jan1 = parseSyslogTimestamp('Jan  1 00:00:01', jan10)!;
    expect(jan1 - dec31).toBe(2000);
  });

  it('places Feb 29 in a leap year', () => {
    expect(parseSyslogTimestamp('Feb 29 12:00:00', utc('2025-06-01T00:00:00Z'))).toBe(utc('2024-02-29T12:00:00Z'));
  });

  it('keeps a fraction of a second', () => {
    expect(parseSyslogTimestamp('Jan  5 07:19:01.125', jan10)).toBe(utc('2025-01-05T07:19:01.125Z'));
  });

  it('gives no timestamp without a reference time (the year is unknown)', () => {
    expect(parseSyslogTimestamp('Dec  2 07:19:01')).toBeUndefined();
  });

  it.each(['Foo  2 07:19:01', 'Dec 32 07:19:01', 'Dec  2 7:19:01', 'Dec  2 07:19:01 host', 'Dec  2 07:61:01'])(
    'rejects %j',
    (text) => {
      expect(parseSyslogTimestamp(text, jan10)).toBeUndefined();
    },
  );
});

describe('parseTimestamp (the formats the text presets hand it)', () => {
  it('reads comma milliseconds (log4j, Python asctime) as UTC', () => {
    expect(parseTimestamp('2024-01-01 00:00:00,123')).toBe(utc('2024-01-01T00:00:00.123Z'));
  });

  it('reads a nanosecond RFC 3339 time (CRI) to the millisecond', () => {
    expect(parseTimestamp('2016-10-06T00:17:09.669794202Z')).toBe(utc('2016-10-06T00:17:09.669Z'));
  });

  it('reads an offset time (Spring Boot 3, rsyslog)', () => {
    expect(parseTimestamp('2024-01-01T02:00:00.000+02:00')).toBe(utc('2024-01-01T00:00:00Z'));
  });
});
