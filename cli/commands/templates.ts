/**
 * `logsleuth templates <paths…>`: mine templates and show them (a table by count), or with --jsonl
 * one line per input record with its cluster's final template.
 */
import { Command } from 'commander';
import { TemplateMiner } from '../../shared/templates/index.ts';
import { assertSomethingRead, describeProblems, openLocalInputs } from '../input.ts';
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
      // Clusters per record, 4 bytes each, so --jsonl can print every record's *final* template.
      const clusters = flags.jsonl ? new ChunkedIntArray() : undefined;
      for await (const batch of local.records()) {
        for (const record of batch) {
          const cluster = miner.add(record.message);
          clusters?.push(cluster);
        }
      }
      const seconds = (Date.now() - started) / 1000;
      for (const line of describeProblems(local.report)) process.stderr.write(`${showControls(line)}\n`);
      assertSomethingRead(local.report);

      if (clusters) {
        let ordinal = 0;
        for await (const batch of local.records()) {
          let out = '';
          for (const record of batch) {
            const cluster = clusters.get(ordinal++);
            out += `${JSON.stringify({ source: record.source, line: record.line, templateId: miner.templateId(cluster), template: miner.template(cluster) })}\n`;
          }
          if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
        return;
      }

      const byTemplate = new Map<string, { id: string; template: string; count: number; example: string }>();
      for (let c = 0; c < miner.clusterCount; c++) {
        const id = miner.templateId(c);
        const entry = byTemplate.get(id) ?? { id, template: miner.template(c), count: 0, example: miner.example(c) };
        entry.count += miner.count(c);
        byTemplate.set(id, entry);
      }
      const rows = [...byTemplate.values()].sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
      const limit = Math.max(1, Number(flags.limit) || 50);
      if (rows.length > 0) {
        process.stdout.write(renderTable(
          [{ header: 'count', align: 'right' }, { header: 'id' }, { header: 'template', max: 90 }, { header: 'example', max: 60 }],
          rows.slice(0, limit).map((r) => [String(r.count), r.id, r.template, r.example]),
        ) + '\n');
        if (rows.length > limit) process.stdout.write(`… ${rows.length - limit} more templates (--limit to show them)\n`);
      }
      const { report } = local;
      const mbps = report.bytes / 1e6 / Math.max(seconds, 0.001);
      process.stdout.write(
        `\n${report.records.toLocaleString('en')} records, ${report.counts.malformed} malformed, ${rows.length} templates, ` +
        `${(report.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s (${mbps.toFixed(1)} MB/s)` +
        (report.records === 0 ? ' — the input holds no log records' : '') + '\n',
      );
    });
}

/** A growable array of int32 in fixed chunks (no copying as it grows). */
class ChunkedIntArray {
  private readonly chunks: Int32Array[] = [];
  private length = 0;
  private static readonly SIZE = 1 << 16;
  push(value: number): void {
    const index = this.length++;
    const chunk = index >>> 16;
    (this.chunks[chunk] ??= new Int32Array(ChunkedIntArray.SIZE))[index & 0xffff] = value;
  }
  get(index: number): number {
    return this.chunks[index >>> 16]![index & 0xffff]!;
  }
}
