/**
 * `logsleuth formats [paths…]`: the format presets, or how each given file (or archive entry) is
 * read: the preset it was sniffed as, how its fields map, and its first parsed records.
 */
import { Command } from 'commander';
import { PRESETS } from '../../shared/ingest/formats/registry.ts';
import type { Preset } from '../../shared/ingest/formats/preset.ts';
import { ingest, IngestReport, type InputObject, type LogRecord } from '../../shared/ingest/index.ts';
import { fsInputs } from '../adapters/fs-input.ts';
import { assertSomethingRead, describeProblems } from '../input.ts';
import { ingestOptions, withInputOptions, type InputFlags } from '../options.ts';
import { showControls } from '../output/escape.ts';
import { renderTable } from '../output/table.ts';

/** Records shown per file. */
const SHOWN = 3;
/** Records read per input before the rest is left unread: enough for the entries of an archive. */
const READ_LIMIT = 20_000;

/** What the formats that are not presets do with their fields. */
const BUILT_IN: Record<string, { title: string; mapping: string[] }> = {
  'json-lines': { title: 'JSON lines', mapping: ['fields by name: message/msg/log, level/severity, timestamp/time/@timestamp, duration_ms/latency_ms/…, correlation_id/request_id/trace_id, service/app/logger'] },
  'json-array': { title: 'a JSON array of records', mapping: ['fields by name, as for JSON lines'] },
  'plain text': { title: 'plain text, no known format', mapping: ['message: the whole line; stack traces folded into the line before', 'duration: from the message (took 12 ms, in 0.2s…)'] },
  format: { title: 'the --format header format', mapping: ['fields named like level/timestamp/service/session map onto the record; lines without the header continue the event before'] },
};

interface SourceView { source: string; format: string; title: string; mapping: string[]; records: LogRecord[] }

export function formatsCommand(): Command {
  return withInputOptions(new Command('formats'))
    .description('list the format presets, or show how each file is read (preset, field mapping, first records)')
    .argument('[paths...]', 'log files, archives or directories')
    .option('--json', 'print JSON')
    .action(async (paths: string[], flags: InputFlags & { json?: boolean }) => {
      if (paths.length === 0) {
        listPresets(flags.json === true);
        return;
      }
      const report = new IngestReport();
      const inputs: InputObject[] = [];
      for await (const input of fsInputs(paths, report)) inputs.push(input);
      const views: SourceView[] = [];
      for (const input of inputs) views.push(...(await inspect(input, ingestOptions(flags), report)));
      for (const line of [...describeProblems(report), ...report.notes]) process.stderr.write(`${showControls(line)}\n`);
      assertSomethingRead(report);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
        return;
      }
      for (const view of views) process.stdout.write(`${renderView(view)}\n\n`);
    });
}

function listPresets(json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(PRESETS.map(({ name, title, provides, mapping }) => ({ name, title, provides, mapping })), null, 2)}\n`);
    return;
  }
  const mark = (yes: boolean) => (yes ? 'yes' : '-');
  process.stdout.write(renderTable(
    [{ header: 'preset' }, { header: 'format' }, { header: 'duration' }, { header: 'level' }, { header: 'session' }, { header: 'service' }],
    PRESETS.map((p) => [p.name, p.title, mark(p.provides.duration), mark(p.provides.level), mark(p.provides.session), mark(p.provides.service)]),
  ) + '\n\nFormats are sniffed per file from its first lines; --format <preset> picks one. `logsleuth formats <paths…>` shows how files are read.\n');
}

/** Reads the start of one input: per source, its format and first records. */
async function inspect(input: InputObject, options: ReturnType<typeof ingestOptions>, report: IngestReport): Promise<SourceView[]> {
  const own = new IngestReport();
  const bySource = new Map<string, LogRecord[]>();
  let read = 0;
  for await (const batch of ingest([input], { ...options, batchSize: 100 }, own)) {
    for (const record of batch) {
      const shown = bySource.get(record.source) ?? [];
      if (shown.length < SHOWN) shown.push(record);
      bySource.set(record.source, shown);
    }
    read += batch.length;
    if (read >= READ_LIMIT) break;
  }
  for (const problem of own.problems) report.add(problem);
  for (const note of own.notes) report.note(note);
  report.records += own.records;
  report.sourcesRead += own.sourcesRead;
  report.sourcesFailed += own.sourcesFailed;
  const views: SourceView[] = [];
  for (const [format, { sources }] of own.formats) {
    const preset: Preset | undefined = PRESETS.find((p) => p.name === format);
    const info = preset ?? BUILT_IN[format] ?? { title: format, mapping: [] };
    for (const source of sources) views.push({ source, format, title: info.title, mapping: info.mapping, records: bySource.get(source) ?? [] });
  }
  return views;
}

function renderView(view: SourceView): string {
  const lines = [`${view.source}: ${view.format} (${view.title})`];
  for (const line of view.mapping) lines.push(`  ${line}`);
  if (view.records.length === 0) lines.push('  (no records)');
  for (const record of view.records) {
    const facts = [
      record.level && `level=${record.level}`,
      record.timestamp !== undefined && `time=${new Date(record.timestamp).toISOString()}`,
      record.durationMs !== undefined && `duration=${record.durationMs} ms`,
      record.sessionId !== undefined && `session=${record.sessionId}`,
      record.service !== undefined && `service=${record.service}`,
    ].filter(Boolean).join(' ');
    lines.push(`  ${String(record.line).padStart(6)}  ${record.message.slice(0, 100)}`);
    if (facts) lines.push(`          ${facts}`);
    if (record.detail !== undefined) lines.push(`          + ${record.detail.split('\n').length} more line(s) in the event`);
  }
  // Sources, messages and fields are log text: shown escaped, line by line.
  return lines.map(showControls).join('\n');
}
