/** Helpers the HTTP access-log presets share (ALB, ELB, CloudFront, S3, Apache/Nginx). */
import { normalizeRoute, normalizeSegment } from '../../templates/route.ts';
import type { Level } from '../record.ts';

export { normalizeRoute, normalizeSegment };

/** 5xx → ERROR, 4xx → WARN, other valid codes → INFO; `undefined` for `-` or junk. */
export function levelFromStatus(status: string | number | undefined): Level | undefined {
  const code = typeof status === 'number' ? status : Number(status);
  if (!Number.isInteger(code) || code < 100 || code > 999) return undefined;
  if (code >= 500) return 'ERROR';
  if (code >= 400) return 'WARN';
  return 'INFO';
}

/**
 * The message of an access-log record: `GET /api/orders/{num}` from a request line
 * (`GET /api/orders/42?x=1 HTTP/1.1`) or a method and a target. A request line that is not
 * `METHOD target [PROTOCOL]` (a probe sending junk) is kept as it is.
 */
export function requestMessage(requestLine: string): string {
  const parts = requestLine.split(' ');
  if (parts.length < 2 || parts.length > 3 || !/^[A-Z]{3,10}$/.test(parts[0]!)) return requestLine;
  return `${parts[0]} ${normalizeRoute(parts[1]!)}`;
}
