import { describe, expect, it } from 'vitest';
import { MAX_EVENT_LINES } from '../../../shared/ingest/multiline.ts';
import { ingestAll, memoryInput } from './helpers.ts';

/** Reads `text` as one file named `name` with no options, the way a new user would. */
async function read(name: string, text: string, options = {}) {
  return ingestAll([memoryInput(name, text, 13)], options);
}

describe('multi-line events: stack traces are one record', () => {
  it('folds a Java trace with Caused by and "... N more" into the line that logged it', async () => {
    const text = [
      'Starting order sync',
      'Order sync failed for batch 7',
      'java.lang.IllegalStateException: connection pool exhausted',
      '\tat com.shop.db.Pool.acquire(Pool.java:88)',
      '\tat com.shop.sync.OrderSync.run(OrderSync.java:41)',
      'Caused by: java.net.SocketTimeoutException: connect timed out',
      '\tat java.base/java.net.Socket.connect(Socket.java:633)',
      '\t... 12 more',
      'Order sync retried',
    ].join('\n');

    const { records, report } = await read('sync.log', text);

    expect(records.map((r) => r.message)).toEqual(['Starting order sync', 'Order sync failed for batch 7', 'Order sync retried']);
    expect(records[1]!.line).toBe(2);
    expect(records[1]!.detail!.split('\n')).toHaveLength(6);
    expect(records[1]!.detail).toContain('Caused by: java.net.SocketTimeoutException');
    expect(records[2]!.line).toBe(9);
    expect(report.counts.malformed + report.counts.unmatched).toBe(0);
  });

  it('folds a Python traceback block, its indented source lines and the closing exception line', async () => {
    const text = [
      'worker started',
      'Traceback (most recent call last):',
      '  File "/app/worker.py", line 12, in <module>',
      '    main()',
      '  File "/app/worker.py", line 8, in main',
      '    raise ValueError("bad input")',
      'ValueError: bad input',
      'worker stopped',
    ].join('\n');

    const { records } = await read('worker.log', text);

    expect(records.map((r) => r.message)).toEqual(['worker started', 'worker stopped']);
    expect(records[0]!.detail!.split('\n')).toHaveLength(6);
    expect(records[0]!.detail!.endsWith('ValueError: bad input')).toBe(true);
  });

  it('makes a Go panic one event of its own, with its goroutine dump', async () => {
    const text = [
      'listening on :8080',
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b3c]',
      '',
      'goroutine 1 [running]:',
      'main.handler(0xc000010000)',
      '\t/src/app/main.go:42 +0x1d',
      'main.main()',
      '\t/src/app/main.go:17 +0x85',
      'exit status 2',
    ].join('\n');

    const { records } = await read('app.log', text);

    expect(records.map((r) => r.message)).toEqual(['listening on :8080', 'panic: runtime error: invalid memory address or nil pointer dereference']);
    expect(records[1]!.detail).toContain('goroutine 1 [running]:');
    expect(records[1]!.detail!.split('\n')).toHaveLength(7);
  });

  it('folds Node and .NET frames and the inner-exception marker', async () => {
    const node = 'request failed\nError: ECONNREFUSED\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\nnext request\n';
    const dotnet = 'Unhandled exception.\n   at Shop.Api.Orders.Get(Int32 id) in /src/Orders.cs:line 27\n   --- End of inner exception stack trace ---\n   at Shop.Api.Program.Main()\nshutting down\n';

    const nodeRecords = (await read('node.log', node)).records;
    const dotnetRecords = (await read('dotnet.log', dotnet)).records;

    // `Error: ECONNREFUSED` has no frame shape of its own: it is a line of its own, its frames fold into it.
    expect(nodeRecords.map((r) => r.message)).toEqual(['request failed', 'Error: ECONNREFUSED', 'next request']);
    expect(nodeRecords[1]!.detail!.split('\n')).toHaveLength(2);
    expect(dotnetRecords.map((r) => r.message)).toEqual(['Unhandled exception.', 'shutting down']);
    expect(dotnetRecords[0]!.detail).toContain('--- End of inner exception stack trace ---');
  });

  it('attaches a traceback printed between JSON lines to the record before it, not as malformed lines', async () => {
    const text = [
      '{"level":"error","msg":"charge failed","request_id":"r-1"}',
      'Traceback (most recent call last):',
      '  File "/app/pay.py", line 3, in charge',
      'TimeoutError: gateway',
      '{"level":"info","msg":"next","request_id":"r-2"}',
      '{"level":"info", broken',
    ].join('\n');

    const { records, report } = await read('app.jsonl', text);

    expect(records.map((r) => r.message)).toEqual(['charge failed', 'next']);
    expect(records[0]).toMatchObject({ sessionId: 'r-1', level: 'ERROR', detail: 'Traceback (most recent call last):\n  File "/app/pay.py", line 3, in charge\nTimeoutError: gateway' });
    expect(report.counts.malformed).toBe(1);
    expect(report.problems[0]).toMatchObject({ kind: 'malformed', line: 6 });
  });

  it('with a header format, folds every line that does not start a header', async () => {
    const text = '[2016-12-19 20:49:03,338] WARN fetch failed (kafka.server.ReplicaFetcherThread)\njava.io.IOException: Connection to 2 was disconnected\n\tat kafka.utils.NetworkClientBlockingOps$.awaitReady$1(NetworkClientBlockingOps.scala:115)\n[2016-12-19 20:49:04,001] INFO recovered (kafka.server.ReplicaFetcherThread)\n';

    const { records, report } = await read('server.log', text, { format: '[<Date> <Time>] <Level> <Content>' });

    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ level: 'WARN', line: 1 });
    expect(records[0]!.detail!.split('\n')).toHaveLength(2);
    expect(report.counts.unmatched).toBe(0);
  });

  it('folds a stack trace inside a wrapping header (Kubernetes CRI lines) by its message', async () => {
    const text = [
      '2026-03-02T10:00:00.000000001Z stdout F Exception in thread "main" java.lang.IllegalStateException: boom',
      '2026-03-02T10:00:00.000000002Z stdout F \tat com.shop.Main.run(Main.java:10)',
      '2026-03-02T10:00:00.000000003Z stdout F \tat com.shop.Main.main(Main.java:4)',
      '2026-03-02T10:00:01.000000000Z stdout F server restarted',
    ].join('\n');

    const { records, report } = await read('pod.log', text);

    expect(report.formats.has('cri')).toBe(true);
    expect(records.map((r) => r.message)).toEqual(['Exception in thread "main" java.lang.IllegalStateException: boom', 'server restarted']);
    expect(records[0]!.detail).toBe('\tat com.shop.Main.run(Main.java:10)\n\tat com.shop.Main.main(Main.java:4)');
  });

  it('uses a user event-start pattern over the format rules', async () => {
    const text = '>> job 1 started\nstep a\nstep b\n>> job 2 started\nstep a\n';

    const { records } = await read('jobs.log', text, { eventStart: '^>> ' });

    expect(records.map((r) => [r.message, r.detail])).toEqual([['>> job 1 started', 'step a\nstep b'], ['>> job 2 started', 'step a']]);
  });

  it('cuts an event past the line cap, keeps it, and counts the cut', async () => {
    const frames = Array.from({ length: MAX_EVENT_LINES + 50 }, (_, i) => `\tat com.x.Deep.f${i}(Deep.java:${i})`);
    const text = ['recursion went wrong', ...frames, 'after'].join('\n');

    const { records, report } = await read('deep.log', text);

    expect(records.map((r) => r.message)).toEqual(['recursion went wrong', 'after']);
    expect(records[0]!.detail!.split('\n')).toHaveLength(MAX_EVENT_LINES - 1);
    expect(report.counts['long-event']).toBe(1);
    expect(report.problemsOf('long-event')[0]!.message).toMatch(/^deep\.log:1: event over 500 lines .*51 line\(s\) from line 501 on were cut, the event was kept$/);
  });

  it('asks the line selection once per event and skips the trace of an unselected one', async () => {
    const text = 'first\n\tat a.B.c(B.java:1)\nsecond\n\tat a.B.d(B.java:2)\n';
    const asked: number[] = [];

    const { records } = await read('sel.log', text, { select: (_s: string, line: number) => (asked.push(line), line === 3) });

    expect(asked).toEqual([1, 3]);
    expect(records).toEqual([{ source: 'sel.log', line: 3, message: 'second', detail: '\tat a.B.d(B.java:2)' }]);
  });
});

describe('nothing held back at the end of a file', () => {
  it('keeps a Docker line whose last 16 KiB chunk never came', async () => {
    const text = [
      '{"log":"starting\\n","stream":"stdout","time":"2026-03-02T10:00:00.000000000Z"}',
      '{"log":"a long line cut by the end of the fi","stream":"stdout","time":"2026-03-02T10:00:01.000000000Z"}',
    ].join('\n');

    const { records, report } = await read('container-json.log', text);

    expect(report.formats.has('docker-json')).toBe(true);
    expect(records.map((r) => r.message)).toEqual(['starting', 'a long line cut by the end of the fi']);
  });
});

describe('a stack trace logged as one JSON string', () => {
  it('mines the template from its first line and keeps the rest as the detail', async () => {
    const line = JSON.stringify({ level: 'error', message: 'Unhandled error\nTypeError: x is undefined\n    at handler (/app/index.js:3:9)\n', request_id: 'r-9' });

    const { records } = await read('app.jsonl', `${line}\n`);

    expect(records[0]).toMatchObject({ message: 'Unhandled error', detail: 'TypeError: x is undefined\n    at handler (/app/index.js:3:9)', sessionId: 'r-9' });
  });
});
