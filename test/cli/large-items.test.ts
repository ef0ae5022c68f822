/**
 * Items of any size through the CLI: `analyze` of JSON lines with one anomalous line of about 1 MiB
 * (a message no baseline template matches) in a session whose id is 2 KB keeps the run in the
 * embedded store (dynalite: DynamoDB's 400 KB item limit), and `show` gives the line and the id back whole.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsleuth, tempDir, writeSmallScenario } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => cleanup());

const LINE_LIMIT = 1024 * 1024;
const SESSION_ID = `req-${'0123456789abcdef'.repeat(128)}`.slice(0, 2048);

/** A JSON line of just under the 1 MiB line limit whose message is words no baseline has seen. */
function hugeLine(): { line: string; message: string } {
  const envelope = JSON.stringify({ timestamp: '2026-11-20T00:10:00.000Z', level: 'error', service: 'vault', request_id: SESSION_ID, message: '' });
  const words = 'vault shard rebalance aborted checksum mismatch on segment ';
  const message = words.repeat(Math.ceil(LINE_LIMIT / words.length)).slice(0, LINE_LIMIT - Buffer.byteLength(envelope) - 16);
  return { line: JSON.stringify({ timestamp: '2026-11-20T00:10:00.000Z', level: 'error', service: 'vault', request_id: SESSION_ID, message }), message };
}

interface StoredAnomaly { id: string; type: string; message?: string; sessionId?: string; line: number | null; context: { sessionId?: string; logs: { line: number; message: string }[] } }

async function ok(args: string[]): Promise<string> {
  const run = await logsleuth(args);
  if (run.code !== 0) throw new Error(`logsleuth ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run.stdout;
}

describe('analyze and show with a 1 MiB anomalous line in a session with a 2 KB id', () => {
  it('stores the run and shows the whole line and the whole session id back', async () => {
    const baseline = await writeSmallScenario(dir);
    const input = join(dir, 'incident.jsonl');
    const { line, message } = hugeLine();
    expect(Buffer.byteLength(line)).toBeLessThan(LINE_LIMIT);
    expect(Buffer.byteLength(line)).toBeGreaterThan(LINE_LIMIT - 100);
    await writeFile(input, await readFile(baseline));
    await appendFile(input, `${line}\n`);
    const hugeLineNo = (await readFile(input, 'utf8')).trimEnd().split('\n').length;
    const store = join(dir, 'store');

    const analyzed = JSON.parse(await ok(['analyze', input, '--baseline', baseline, '--store', store, '--json'])) as { runId: string; stored?: { created: boolean }; anomalies: StoredAnomaly[] };
    expect(analyzed.stored?.created).toBe(true);

    const shown = JSON.parse(await ok(['show', analyzed.runId, '--store', store, '--json'])) as { run: { status: string }; anomalies: StoredAnomaly[] };
    expect(shown.run.status).toBe('DONE');
    const huge = shown.anomalies.find((a) => a.line === hugeLineNo);
    expect(huge).toBeDefined();
    expect(huge!.message).toBe(message);
    expect(huge!.sessionId).toBe(SESSION_ID);
    expect(huge!.context.sessionId).toBe(SESSION_ID);
    expect(huge!.context.logs.find((log) => log.line === hugeLineNo)?.message).toBe(message);
    expect(shown.anomalies).toEqual(analyzed.anomalies);

    // The terminal view names the whole session and clips the record's message in its context row.
    const human = (await ok(['show', analyzed.runId, '--store', store])).split('\n');
    expect(human.some((text) => text.startsWith(`   session ${SESSION_ID}: 1 records`))).toBe(true);
    const row = human.find((text) => text.startsWith(`   ▶ ${String(hugeLineNo).padStart(7)} `));
    expect(row?.length).toBeLessThan(200);
  });
});
