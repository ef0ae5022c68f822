import type { JsonRecordMapper, Role } from './field-mapping.ts';
import type { HeaderFormat } from './header-format.ts';
import { normalizeLevel, parseDurationMs, parseTimestamp } from './normalize.ts';
import type { LogRecord } from './record.ts';

/**
 * Turns the fields of a matched plain-text header into a {@link LogRecord}, using the same aliases
 * as JSON (case-insensitive): `<Level>`/`<Severity>` → level, `<Date>` `<Time>` `<Timestamp>` →
 * timestamp (several are joined with a space, in format order: `<Date> <Time>`), `<Service>`/`<App>`/
 * `<Logger>` → service, falling back to `<Component>` (in loghub formats it names the emitting
 * class or daemon, the closest thing to a service), request-id names → sessionId, duration names →
 * durationMs. `<Content>` is the message. Everything else, and any value that could not be read
 * (an unknown level word, an unparseable date), stays in `fields` under its format name.
 */
export class HeaderRecordMapper {
  private readonly level?: string;
  private readonly timestamp: string[] = [];
  private readonly service?: string;
  private readonly session?: string;
  private readonly duration?: { name: string; factor: number };
  private readonly others: string[] = [];

  constructor(readonly format: HeaderFormat, mapper: JsonRecordMapper) {
    const best = new Map<Role, { name: string; priority: number; factor: number }>();
    const unmapped: string[] = [];
    for (const name of format.names) {
      if (name === 'Content') continue;
      const role = mapper.roleOf(name);
      if (role?.role === 'timestamp') {
        this.timestamp.push(name);
        continue;
      }
      const fallback = name.toLowerCase() === 'component' ? { role: 'service' as const, priority: 1_000, factor: 1 } : undefined;
      const found = role && role.role !== 'message' ? role : fallback;
      if (!found) {
        unmapped.push(name);
        continue;
      }
      const current = best.get(found.role);
      if (current === undefined || found.priority < current.priority) {
        if (current) unmapped.push(current.name);
        best.set(found.role, { name, priority: found.priority, factor: found.factor });
      } else {
        unmapped.push(name);
      }
    }
    this.level = best.get('level')?.name;
    this.service = best.get('service')?.name;
    this.session = best.get('session')?.name;
    const duration = best.get('duration');
    if (duration) this.duration = { name: duration.name, factor: duration.factor };
    this.others = format.names.filter((name) => unmapped.includes(name));
  }

  /** Builds the record from the named groups of one matched line. */
  map(groups: Record<string, string | undefined>, source: string, line: number): LogRecord {
    const record: LogRecord = { source, line, message: groups.Content ?? '' };
    let fields: Record<string, string> | undefined;
    const keep = (name: string, value: string): void => {
      (fields ??= {})[name] = value;
    };

    if (this.level !== undefined) {
      const raw = groups[this.level] ?? '';
      const level = normalizeLevel(raw);
      if (level) record.level = level;
      else if (raw.length > 0) keep(this.level, raw);
    }
    if (this.timestamp.length > 0) {
      const raw = this.timestamp.map((name) => groups[name] ?? '').join(' ');
      const ts = parseTimestamp(raw.trim());
      if (ts !== undefined) record.timestamp = ts;
      else for (const name of this.timestamp) keep(name, groups[name] ?? '');
    }
    if (this.service !== undefined) {
      const value = groups[this.service]?.trim();
      if (value) record.service = value;
    }
    if (this.session !== undefined) {
      const value = groups[this.session]?.trim();
      if (value) record.sessionId = value;
    }
    if (this.duration !== undefined) {
      const raw = groups[this.duration.name] ?? '';
      const ms = parseDurationMs(raw, this.duration.factor);
      if (ms !== undefined) record.durationMs = ms;
      else if (raw.length > 0) keep(this.duration.name, raw);
    }
    for (const name of this.others) keep(name, groups[name] ?? '');
    if (fields) record.fields = fields;
    return record;
  }
}
