/**
 * `logsleuth templates <paths…>`: mine templates and show them (a table by count), or with --jsonl
 * one line per input record with its cluster's final template.
 */
import { Command } from 'commander';
import { TemplateMiner } from '../../shared/templates/index.ts';
import { FileSpillStore } from '../../functions/lib/file-spill-store.ts';
import { assertSomethingRead, describeProblems, openLocalInputs, type LocalInputs } from '../input.ts';
import { ingestOptions, withInputOptions, type InputFlags } from '../options.ts';
import { showControls } from '../output/escape.ts';
import { renderTable } from '../output/table.ts';

export function templatesCommand(): Command {
  return withInputOptions(new Command('templates'))
    .description('mine log templates ("User 123 logged in" → "User {num} logged in")')
    .argument('<paths...>', 'log files, archives or directories')
    .option('--jsonl', 'one JSON object per input record: {source, line, templateId, template}')
    .option('--limit <n>', 'templates shown in the table', '50')
    .action(async (paths: string[], flags: InputFlags & { jsonl?: boolean; limit: string }) => {
      const started = Date.now();
      const local = await openLocalInputs(paths, ingestOptions(flags), 'mining');
      const miner = new TemplateMiner();
      // Clusters per record, so --jsonl can print every record's *final* template: on disk, not in memory.
      const clusters = flags.jsonl ? new ClusterLog() : undefined;
      try {
        for await (const batch of local.records()) {
          for (const record of batch) {
            const cluster = miner.add(record.message);
            clusters?.push(cluster);
          }
        }
        const seconds = (Date.now() - started) / 1000;
        for (const line of describeProblems(local.report)) process.stderr.write(`${showControls(line)}\n`);
        assertSomethingRead(local.report);
        if (clusters) await printRecords(local, miner, clusters);
        else printTable(miner, local.report, seconds, flags.limit);
      } finally {
        clusters?.dispose();
      }
    });
}

/** --jsonl: reads the input again, one line per record with its cluster's final template. */
async function printRecords(local: LocalInputs, miner: TemplateMiner, clusters: ClusterLog): Promise<void> {
  clusters.finish();
  let ordinal = 0;
  for await (const batch of local.records()) {
    let out = '';
    for (const record of batch) {
      const cluster = clusters.get(ordinal++);
      out += `${JSON.stringify({ source: record.source, line: record.line, templateId: miner.templateId(cluster), template: miner.template(cluster) })}\n`;
    }
    if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}

/** The templates by count, and what was read. */
function printTable(miner: TemplateMiner, report: LocalInputs['report'], seconds: number, limitFlag: string): void {

  const byTemplate = new Map<string, { id: string; template: string; count: number; example: string }>();
  for (let c = 0; c < miner.clusterCount; c++) {
    const id = miner.templateId(c);
    const entry = byTemplate.get(id) ?? { id, template: miner.template(c), count: 0, example: miner.example(c) };
    entry.count += miner.count(c);
    byTemplate.set(id, entry);
  }
  const rows = [...byTemplate.values()].sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
  const limit = Math.max(1, Number(limitFlag) || 50);
  if (rows.length > 0) {
    process.stdout.write(renderTable(
      [{ header: 'count', align: 'right' }, { header: 'id' }, { header: 'template', max: 90 }, { header: 'example', max: 60 }],
      rows.slice(0, limit).map((r) => [String(r.count), r.id, r.template, r.example]),
    ) + '\n');
    if (rows.length > limit) process.stdout.write(`… ${rows.length - limit} more templates (--limit to show them)\n`);
  }
  const mbps = report.bytes / 1e6 / Math.max(seconds, 0.001);
  process.stdout.write(
    `\n${report.records.toLocaleString('en')} records, ${report.counts.malformed} malformed, ${rows.length} templates, ` +
    `${(report.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s (${mbps.toFixed(1)} MB/s)` +
    (report.records === 0 ? ' — the input holds no log records' : '') + '\n',
  );
}

const CLUSTER_FILE = 'clusters';
/** Records per block written and read back (256 KiB). */
const BLOCK = 1 << 16;

/**
 * Each record's cluster index (int32), appended to a temporary file a block at a time and read back
 * in the same order: 4 bytes a record on disk, a block in memory, whatever the input's size.
 */
class ClusterLog {
  private readonly store = new FileSpillStore(undefined, { removeOnExit: true });
  private block = new Int32Array(BLOCK);
  private filled = 0;
  /** The block `get` reads from, and the ordinal of its first entry. */
  private readBlock?: Int32Array;
  private readonly readBytes = new Uint8Array(BLOCK * 4);
  private readFrom = -1;

  push(cluster: number): void {
    this.block[this.filled++] = cluster;
    if (this.filled === BLOCK) this.flush();
  }

  /** Writes what is buffered; call once after the last push. */
  finish(): void {
    this.flush();
  }

  /** The cluster of record `ordinal`; reading in increasing order reads each block once. */
  get(ordinal: number): number {
    if (!this.readBlock || ordinal < this.readFrom || ordinal >= this.readFrom + this.readBlock.length) {
      this.readFrom = ordinal - (ordinal % BLOCK);
      const read = this.store.read(CLUSTER_FILE, this.readFrom * 4, this.readBytes);
      this.readBlock = new Int32Array(this.readBytes.buffer, 0, read >> 2);
    }
    return this.readBlock[ordinal - this.readFrom]!;
  }

  dispose(): void {
    this.store.dispose();
  }

  private flush(): void {
    if (this.filled === 0) return;
    this.store.append(CLUSTER_FILE, new Uint8Array(this.block.buffer, 0, this.filled * 4));
    this.filled = 0;
  }
}
