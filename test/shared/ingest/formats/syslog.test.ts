import { describe, expect, it } from 'vitest';
import { syslogPreset } from '../../../../shared/ingest/formats/syslog.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';
import { AUTH_LOG, REFERENCE_TIME, RFC5424, context, expectClaimedOnlyBy, parseAll, parseOne } from './common-samples.ts';

const utc = (iso: string) => Date.parse(iso);
const auth = parseAll(syslogPreset, AUTH_LOG) as LogRecord[];

describe('syslog preset, RFC 3164', () => {
  it('reads an sshd auth.log line: app as service, app[pid] as session, host and pid in fields', () => {
    expect(auth[0]).toEqual({
      source: 'sample.log',
      line: 1,
      message: 'Accepted publickey for alice from 203.0.113.5 port 51234 ssh2: RSA SHA256:Zm9vYmFy',
      timestamp: utc('2024-12-02T07:19:01Z'),
      service: 'sshd',
      sessionId: 'sshd[24209]',
      fields: { host: 'bastion', pid: '24209' },
    });
  });

  it('groups the lines of one sshd connection (one process) into one session', () => {
    expect(auth.slice(0, 4).map((r) => r.sessionId)).toEqual(['sshd[24209]', 'sshd[24209]', 'sshd[24250]', 'sshd[24250]']);
  });

  it('invents no level when the line has no <PRI>', () => {
    expect(auth.filter((r) => r.level !== undefined)).toEqual([]);
  });

  it('reads tags without a pid (kernel, sudo) and with a slash (postfix/smtpd)', () => {
    expect(auth[5]).toMatchObject({ service: 'kernel', message: '[1234567.890123] [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.23 DST=10.0.0.4 PROTO=TCP DPT=23' });
    expect(auth[5]!.sessionId).toBeUndefined();
    expect(auth[6]).toMatchObject({ service: 'sudo', message: 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx' });
    expect(auth[7]).toMatchObject({ service: 'postfix/smtpd', sessionId: 'postfix/smtpd[912]', timestamp: utc('2024-12-12T23:59:59Z') });
  });

  it('takes level, facility and severity from a <PRI>', () => {
    expect(parseOne(syslogPreset, "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")).toMatchObject({
      level: 'FATAL',
      service: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8",
      timestamp: utc('2024-10-11T22:14:15Z'),
      fields: { host: 'mymachine', facility: 'auth' },
    });
  });

  it.each([
    [0, 'FATAL'], [2, 'FATAL'], [3, 'ERROR'], [4, 'WARN'], [5, 'INFO'], [6, 'INFO'], [7, 'DEBUG'], [8 * 3 + 4, 'WARN'],
  ])('maps PRI %i to %s', (pri, level) => {
    expect(parseOne(syslogPreset, `<${pri}>Dec  2 07:19:01 host app[1]: x`)).toMatchObject({ level });
  });

  it('reads rsyslog\'s high-precision RFC 3339 time', () => {
    const line = '2024-03-05T10:15:30.123456+01:00 web-1 systemd[1]: Started nginx.service - A high performance web server.';
    expect(parseOne(syslogPreset, line)).toEqual({
      source: 'sample.log',
      line: 7,
      message: 'Started nginx.service - A high performance web server.',
      timestamp: utc('2024-03-05T09:15:30.123Z'),
      service: 'systemd',
      sessionId: 'systemd[1]',
      fields: { host: 'web-1', pid: '1' },
    });
  });

  it('reads journalctl short-iso times (offset without a colon)', () => {
    expect(parseOne(syslogPreset, '2024-03-05T10:15:30+0100 web-1 sshd[77]: Accepted password for bob')).toMatchObject({
      timestamp: utc('2024-03-05T09:15:30Z'),
      sessionId: 'sshd[77]',
    });
  });

  it('accepts a BSD line without a tag', () => {
    expect(parseOne(syslogPreset, 'Dec  2 07:19:01 bastion last message repeated 2 times')).toMatchObject({
      message: 'last message repeated 2 times',
      fields: { host: 'bastion' },
    });
  });
});

describe('syslog preset, the year of RFC 3164 times', () => {
  it('puts a date more than a month after the file time into the year before', () => {
    const [dec31, jan1] = parseAll(syslogPreset, [
      'Dec 31 23:59:58 host app[1]: before midnight',
      'Jan  1 00:00:02 host app[1]: after midnight',
    ], context(utc('2025-01-10T00:00:00Z'))) as LogRecord[];
    expect(dec31!.timestamp).toBe(utc('2024-12-31T23:59:58Z'));
    expect(jan1!.timestamp).toBe(utc('2025-01-01T00:00:02Z'));
  });

  it('moves forward across New Year even when the file time is still in December', () => {
    const records = parseAll(syslogPreset, [
      'Dec 31 23:59:58 host app[1]: before midnight',
      'Jan  1 00:00:02 host app[1]: after midnight',
      'Jan  1 00:00:03 host app[1]: still after',
    ], context(utc('2024-12-15T00:00:00Z'))) as LogRecord[];
    expect(records.map((r) => new Date(r.timestamp!).toISOString())).toEqual([
      '2024-12-31T23:59:58.000Z', '2025-01-01T00:00:02.000Z', '2025-01-01T00:00:03.000Z',
    ]);
  });

  it('without a file time gives no timestamp and keeps the raw time in fields', () => {
    const record = parseOne(syslogPreset, AUTH_LOG[0]!, context(null)) as LogRecord;
    expect(record.timestamp).toBeUndefined();
    expect(record.fields).toEqual({ host: 'bastion', pid: '24209', time: 'Dec  2 07:19:01' });
  });

  it('uses the year of the reference time for the samples', () => {
    expect(new Date(auth[0]!.timestamp!).getUTCFullYear()).toBe(new Date(REFERENCE_TIME).getUTCFullYear());
  });
});

describe('syslog preset, RFC 5424', () => {
  const records = parseAll(syslogPreset, RFC5424) as LogRecord[];

  it('reads the RFC\'s first example: nil procid and SD, BOM dropped, PRI severity', () => {
    expect(records[0]).toEqual({
      source: 'sample.log',
      line: 1,
      message: "'su root' failed for lonvick on /dev/pts/8",
      timestamp: utc('2003-10-11T22:14:15.003Z'),
      service: 'su',
      level: 'FATAL',
      fields: { host: 'mymachine.example.com', msgid: 'ID47', facility: 'auth' },
    });
  });

  it('makes app[procid] the session and applies the time offset', () => {
    expect(records[1]).toMatchObject({
      service: 'myproc',
      sessionId: 'myproc[8710]',
      level: 'INFO',
      message: "%% It's time to make the do-nuts.",
      timestamp: utc('2003-08-24T12:14:15.000Z'),
      fields: { host: '192.0.2.1', pid: '8710', facility: 'local4' },
    });
  });

  it('puts every structured-data parameter into fields, over several SD elements', () => {
    expect(records[2]!.message).toBe('An application event log entry...');
    expect(records[3]!.message).toBe('');
    expect(records[3]!.fields).toEqual({
      'exampleSDID@32473.iut': '3',
      'exampleSDID@32473.eventSource': 'Application',
      'exampleSDID@32473.eventID': '1011',
      'examplePriority@32473.class': 'high',
      host: 'mymachine.example.com',
      msgid: 'ID47',
      facility: 'local4',
    });
  });

  it('unescapes \\" \\\\ and \\] in SD values and keeps a ] inside quotes', () => {
    const line = '<14>1 2024-01-01T00:00:00Z h app 12 - [x@1 a="say \\"hi\\"" b="c:\\\\d" c="[1\\]" d="x]y"] done';
    expect(parseOne(syslogPreset, line)).toMatchObject({
      message: 'done',
      fields: { 'x@1.a': 'say "hi"', 'x@1.b': 'c:\\d', 'x@1.c': '[1]', 'x@1.d': 'x]y' },
    });
  });

  it.each([
    ['a PRI over 191', '<192>1 2003-10-11T22:14:15.003Z h app - - - msg'],
    ['an unterminated SD element', '<34>1 2003-10-11T22:14:15.003Z h app - - [x@1 a="b" msg'],
    ['a bad timestamp', '<34>1 yesterday h app - - - msg'],
    ['a missing header field', '<34>1 2003-10-11T22:14:15.003Z h app'],
  ])('does not read %s', (_why, line) => {
    expect(parseOne(syslogPreset, line)).toBeUndefined();
  });
});

describe('syslog preset, sniffing', () => {
  it('claims auth.log and no other common preset reads it', () => {
    expectClaimedOnlyBy(syslogPreset, AUTH_LOG);
  });

  it('claims RFC 5424 lines and no other common preset reads them', () => {
    expectClaimedOnlyBy(syslogPreset, RFC5424);
  });

  it('claims auth.log even without a file time', () => {
    expectClaimedOnlyBy(syslogPreset, AUTH_LOG, context(null));
  });

  it.each([
    ['prose', 'Starting the server now'],
    ['a CRI line', '2016-10-06T00:17:09.669794202Z stdout F Starting server on :8080'],
    ['a CloudWatch export line', '2024-01-01T00:00:00.000Z START RequestId: 8f5e Version: $LATEST'],
    ['a Spring Boot line', '2024-01-01T00:00:00.000+01:00  INFO 1234 --- [main] o.s.b.Foo : Started'],
    ['a month name that is not a time', 'Dec 2024 was cold'],
  ])('does not read %s', (_why, line) => {
    expect(parseOne(syslogPreset, line)).toBeUndefined();
  });
});
