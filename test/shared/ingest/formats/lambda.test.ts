import { describe, expect, it } from 'vitest';
import { cloudwatchExportPreset, lambdaPreset, parseLambdaLine } from '../../../../shared/ingest/formats/lambda.ts';
import { SKIP, type TextPreset } from '../../../../shared/ingest/formats/preset.ts';
import { sniffTextPreset } from '../../../../shared/ingest/formats/registry.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';
import { maskMessage } from '../../../../shared/templates/tokenize.ts';
import { ELB_CLASSIC } from './aws-samples.ts';
import { EXPORT_TEXT, LAMBDA_TEXT, REQ1, REQ2, context } from './lambda-samples.ts';

function parseAll(preset: TextPreset, lines: readonly string[]): (LogRecord | undefined)[] {
  const parser = preset.create(context());
  return lines.map((line, i) => {
    const result = parser.parse(line, 'fn.log', i + 1);
    return result === SKIP ? undefined : result;
  });
}

describe('parseLambdaLine', () => {
  it('reads START with the request id as session and the version in fields', () => {
    expect(parseLambdaLine(LAMBDA_TEXT[1]!)).toEqual({
      message: `START RequestId: ${REQ1} Version: $LATEST`,
      sessionId: REQ1,
      fields: { version: '$LATEST' },
    });
  });

  it('reads END with the request id as session', () => {
    expect(parseLambdaLine(`END RequestId: ${REQ1}`)).toEqual({ message: `END RequestId: ${REQ1}`, sessionId: REQ1 });
  });

  it('reads REPORT: Duration is the duration, the other figures go to fields', () => {
    const report = parseLambdaLine(LAMBDA_TEXT[7]!);
    expect(report).toMatchObject({ sessionId: REQ1, durationMs: 45.21 });
    expect(report?.fields).toEqual({
      billedDurationMs: '46',
      memorySizeMB: '128',
      maxMemoryUsedMB: '71',
      initDurationMs: '160.14',
    });
    expect(report?.level).toBeUndefined();
  });

  it('keeps the REPORT text as the message, so warm and cold invocations each mask to one template', () => {
    const cold = parseLambdaLine(LAMBDA_TEXT[7]!)!.message!;
    expect(cold).toBe(`REPORT RequestId: ${REQ1} Duration: 45.21 ms Billed Duration: 46 ms Memory Size: 128 MB Max Memory Used: 71 MB Init Duration: 160.14 ms`);
    const warm = parseLambdaLine(`REPORT RequestId: ${REQ2}\tDuration: 2.09 ms\tBilled Duration: 3 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB\t`)!;
    const otherWarm = parseLambdaLine(`REPORT RequestId: ${REQ1}\tDuration: 912.5 ms\tBilled Duration: 913 ms\tMemory Size: 256 MB\tMax Memory Used: 91 MB\t`)!;
    expect(maskMessage(warm.message!)).toBe(maskMessage(otherWarm.message!));
    expect(maskMessage(warm.message!)).not.toContain(REQ2);
  });

  it('reads a REPORT copied with spaces instead of tabs the same way', () => {
    const spaced = parseLambdaLine(`REPORT RequestId: ${REQ1} Duration: 395.99 ms Billed Duration: 396 ms Memory Size: 512 MB Max Memory Used: 301 MB Init Duration: 265.72 ms`);
    expect(spaced).toMatchObject({ sessionId: REQ1, durationMs: 395.99, fields: { billedDurationMs: '396', initDurationMs: '265.72' } });
  });

  it('marks a REPORT with Status: timeout as ERROR and drops X-Ray ids from the message', () => {
    const report = parseLambdaLine(`REPORT RequestId: ${REQ2}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tXRAY TraceId: 1-6643318c-5f1e2d3c4b5a69788796a5b4\tSegmentId: 7a6b5c4d3e2f1a0b\tSampled: true\tStatus: timeout`)!;
    expect(report).toMatchObject({ level: 'ERROR', durationMs: 3000, fields: { status: 'timeout', xrayTraceId: '1-6643318c-5f1e2d3c4b5a69788796a5b4' } });
    expect(report.message).not.toContain('XRAY');
    expect(report.message).toContain('Status: timeout');
  });

  it('reads a Node application line: timestamp, session, level, message without the prefix', () => {
    expect(parseLambdaLine(LAMBDA_TEXT[3]!)).toEqual({
      message: 'payment failed {',
      timestamp: Date.UTC(2024, 4, 14, 9, 21, 7, 530),
      level: 'ERROR',
      sessionId: REQ1,
    });
  });

  it('reads a Node line logged during init (id `undefined`) without a session', () => {
    const line = parseLambdaLine('2024-05-14T09:21:06.900Z\tundefined\tINFO\tloading config');
    expect(line).toMatchObject({ message: 'loading config', level: 'INFO' });
    expect(line?.sessionId).toBeUndefined();
  });

  it('reads a Python application line', () => {
    expect(parseLambdaLine(`[WARNING]\t2024-05-14T09:21:08.101Z\t${REQ1}\tstock low for sku 991`)).toEqual({
      message: 'stock low for sku 991',
      timestamp: Date.UTC(2024, 4, 14, 9, 21, 8, 101),
      level: 'WARN',
      sessionId: REQ1,
    });
  });

  it('reads the Python runtime\'s own init error line', () => {
    expect(parseLambdaLine("[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'")).toEqual({
      message: "Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'",
      level: 'ERROR',
    });
  });

  it.each([
    ['a space', `2024-05-14T09:21:12.001Z ${REQ2} Task timed out after 3.00 seconds`],
    ['a tab', `2024-05-14T09:21:12.001Z\t${REQ2}\tTask timed out after 3.00 seconds`],
  ])('reads the timeout line separated by %s as ERROR with the session', (_sep, line) => {
    expect(parseLambdaLine(line)).toEqual({
      message: 'Task timed out after 3.00 seconds',
      timestamp: Date.UTC(2024, 4, 14, 9, 21, 12, 1),
      level: 'ERROR',
      sessionId: REQ2,
    });
  });

  it('reads INIT_START without the runtime ARN in the message', () => {
    const init = parseLambdaLine(LAMBDA_TEXT[0]!)!;
    expect(init.message).toBe('INIT_START Runtime Version: nodejs:20.v22');
    expect(init.fields).toEqual({
      runtimeVersion: 'nodejs:20.v22',
      runtimeVersionArn: 'arn:aws:lambda:eu-west-1::runtime:da57c20c4b965d5b75540f6865a35fc8030358e33ec44ecfed33e90901a27a72',
    });
  });

  it('reads INIT_REPORT with its init duration, and a timed-out init as ERROR', () => {
    expect(parseLambdaLine('INIT_REPORT Init Duration: 10000.06 ms\tPhase: init\tStatus: timeout')).toEqual({
      message: 'INIT_REPORT Init Duration: 10000.06 ms Phase: init Status: timeout',
      durationMs: 10000.06,
      level: 'ERROR',
      fields: { phase: 'init', status: 'timeout' },
    });
  });

  it('reads a runtime crash line as ERROR with the session', () => {
    expect(parseLambdaLine(`RequestId: ${REQ1} Error: Runtime exited with error: signal: killed`)).toEqual({
      message: `RequestId: ${REQ1} Error: Runtime exited with error: signal: killed`,
      sessionId: REQ1,
      level: 'ERROR',
    });
  });

  it('reads EXTENSION lines', () => {
    expect(parseLambdaLine('EXTENSION\tName: datadog-agent\tState: Ready\tEvents: [INVOKE, SHUTDOWN]')).toEqual({
      message: 'EXTENSION Name: datadog-agent State: Ready Events: [INVOKE, SHUTDOWN]',
      fields: { name: 'datadog-agent', state: 'Ready' },
    });
  });

  it.each([
    ['a plain sentence', 'Starting the server'],
    ['a CloudWatch export line', EXPORT_TEXT[0]!],
    ['an export line holding a Node line', EXPORT_TEXT[1]!],
    ['a Classic ELB line', ELB_CLASSIC.ok],
    ['an ISO timestamp and text', '2024-05-14T09:21:07.512Z user 42 signed in'],
    ['a bracketed word that is no level', '[main] starting'],
    ['a START look-alike', 'STARTED the job'],
    ['a Maven line', '[INFO] Building logsleuth 0.1.0'],
    ['a Maven error line', '[ERROR] Failed to execute goal on project logsleuth'],
  ])('rejects %s', (_name, line) => {
    expect(parseLambdaLine(line)).toBeUndefined();
  });
});

describe('lambda preset', () => {
  it('reads every line of a Lambda text log except the continuation of a multi-line message', () => {
    const records = parseAll(lambdaPreset, LAMBDA_TEXT);
    const unread = LAMBDA_TEXT.filter((_, i) => records[i] === undefined);
    expect(unread).toEqual(['  "code": "card_declined"', '}']);
    expect(records[2]).toMatchObject({ source: 'fn.log', line: 3, message: 'processing order 4411', sessionId: REQ1 });
  });

  it('groups an invocation under its request id', () => {
    const records = parseAll(lambdaPreset, LAMBDA_TEXT).filter((r): r is LogRecord => r !== undefined);
    const sessions = records.map((r) => r.sessionId);
    expect(sessions.filter((s) => s === REQ1)).toHaveLength(5);
    expect(sessions.filter((s) => s === REQ2)).toHaveLength(5);
  });

  it('reads a Powertools JSON line in the stream through the mapper, with function_request_id as the session', () => {
    const line = JSON.stringify({
      level: 'INFO', message: 'order stored', timestamp: '2024-05-14T09:21:07.540Z', service: 'checkout',
      cold_start: true, function_request_id: REQ1, xray_trace_id: '1-6643318c-5f1e2d3c4b5a69788796a5b4',
    });
    expect(parseAll(lambdaPreset, [line])[0]).toMatchObject({
      message: 'order stored', level: 'INFO', service: 'checkout', sessionId: REQ1, timestamp: Date.UTC(2024, 4, 14, 9, 21, 7, 540),
    });
  });

  it('does not read JSON lines that are not Lambda\'s', () => {
    expect(parseAll(lambdaPreset, ['{"msg":"hello","level":"info"}'])[0]).toBeUndefined();
  });

  it('does not read a CloudWatch export file', () => {
    expect(parseAll(lambdaPreset, EXPORT_TEXT).filter((r) => r !== undefined)).toEqual([]);
  });
});

describe('cloudwatch-export preset', () => {
  it('reads the message after the export timestamp as a Lambda line, keeping its own timestamp', () => {
    const [start, app] = parseAll(cloudwatchExportPreset, EXPORT_TEXT);
    expect(start).toMatchObject({
      message: `START RequestId: ${REQ1} Version: $LATEST`,
      sessionId: REQ1,
      timestamp: Date.UTC(2024, 4, 14, 9, 21, 7, 311),
      line: 1,
    });
    expect(app).toMatchObject({ message: 'processing order 4411', level: 'INFO', sessionId: REQ1, timestamp: Date.UTC(2024, 4, 14, 9, 21, 7, 512) });
  });

  it('reads REPORT duration and the timeout line inside an export', () => {
    const records = parseAll(cloudwatchExportPreset, EXPORT_TEXT);
    expect(records[3]).toMatchObject({ durationMs: 45.21, sessionId: REQ1 });
    expect(records[4]).toMatchObject({ message: 'Task timed out after 3.00 seconds', level: 'ERROR', sessionId: REQ2 });
  });

  it('maps a JSON message (Lambda\'s JSON log format) with the mapper', () => {
    expect(parseAll(cloudwatchExportPreset, EXPORT_TEXT)[5]).toMatchObject({
      message: 'retrying inventory call', level: 'WARN', sessionId: REQ2, timestamp: Date.UTC(2024, 4, 14, 9, 21, 13, 99),
    });
  });

  it('keeps the export timestamp when a JSON message has none', () => {
    const [record] = parseAll(cloudwatchExportPreset, ['2024-05-14T09:30:00.250Z {"msg":"cache warm","level":"debug"}']);
    expect(record).toMatchObject({ message: 'cache warm', level: 'DEBUG', timestamp: Date.UTC(2024, 4, 14, 9, 30, 0, 250) });
  });

  it('reads a plain message as timestamp + text, with a leading level word as its level', () => {
    const [plain, levelled] = parseAll(cloudwatchExportPreset, [
      '2024-05-14T09:30:00.000Z user 42 signed in',
      '2024-05-14T09:30:01.000Z ERROR could not reach db-1',
    ]);
    expect(plain).toEqual({ source: 'fn.log', line: 1, message: 'user 42 signed in', timestamp: Date.UTC(2024, 4, 14, 9, 30) });
    expect(levelled).toMatchObject({ message: 'ERROR could not reach db-1', level: 'ERROR' });
  });

  it.each([
    ['a Lambda START line', LAMBDA_TEXT[1]!],
    ['a Node application line (tab after the timestamp)', LAMBDA_TEXT[2]!],
    ['a timestamp without a zone', '2024-05-14T09:30:00.000 started'],
    ['a date and time separated by a space', '2024-05-14 09:30:00,123 INFO started'],
  ])('rejects %s', (_name, line) => {
    expect(parseAll(cloudwatchExportPreset, [line])[0]).toBeUndefined();
  });
});

describe('sniffing Lambda and CloudWatch export text', () => {
  it('picks lambda for a Lambda text log', () => {
    expect(sniffTextPreset(LAMBDA_TEXT, context())?.name).toBe('lambda');
  });

  it('picks cloudwatch-export for an export of a Lambda log group', () => {
    expect(sniffTextPreset(EXPORT_TEXT, context())?.name).toBe('cloudwatch-export');
  });

  it('picks cloudwatch-export for generic `<ISO UTC timestamp> <message>` lines', () => {
    const lines = ['2024-05-14T09:30:00.000Z user 42 signed in', '2024-05-14T09:30:02.000Z user 42 signed out'];
    expect(sniffTextPreset(lines, context())?.name).toBe('cloudwatch-export');
  });

  it('leaves Classic ELB and CRI lines, which also start with an ISO UTC timestamp, to their presets', () => {
    expect(sniffTextPreset([ELB_CLASSIC.ok, ELB_CLASSIC.notFound], context())?.name).toBe('elb-classic');
    const cri = ['2024-05-14T09:30:00.123456789Z stdout F server listening on :8080', '2024-05-14T09:30:01.000000001Z stderr F warn: slow start'];
    expect(sniffTextPreset(cri, context())?.name).toBe('cri');
  });
});
