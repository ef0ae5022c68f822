/**
 * HTTP routes as templates: ids in a request path become placeholders, the route's words stay.
 * Used by the access-log presets (the record's message) and by the miner (a path after an HTTP
 * method is a route, not a file path), so `GET /api/orders/42` and `GET /api/orders/43` share one
 * template while `GET /api/orders` and `GET /api/users` do not.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID_CHARS = /^[\w.~-]+$/;
/** A file extension: up to 8 letters and digits, at least one a letter (`png`, `mp4`; not the `05` of a date). */
const EXTENSION = /^(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,8}$/;

/**
 * One path segment or query value, with an id replaced by its placeholder: digits → `{num}`, a uuid →
 * `{uuid}`, 8+ hex characters with a digit → `{hex}`, a run of 4+ digits or 16+ id characters with a
 * digit (`u-123456`, `ord_9f3kq81z…`) → `{id}`; an id in front of a file extension is replaced and the
 * extension kept (`/photos/12345.jpg` → `/photos/{num}.jpg`). One character scan decides most segments (this runs
 * for every route token the miner sees).
 */
export function normalizeSegment(segment: string): string {
  let digits = 0;
  let nonHex = 0;
  let run = 0;
  let longestRun = 0;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (++run > longestRun) longestRun = run;
      continue;
    }
    run = 0;
    if (!((c >= 97 && c <= 102) || (c >= 65 && c <= 70))) nonHex++;
  }
  if (digits === 0) return segment;
  if (digits === segment.length) return '{num}';
  // A file name with an id in front of its extension keeps the extension: `981.png` → `{num}.png`.
  const dot = segment.lastIndexOf('.');
  if (dot > 0 && EXTENSION.test(segment.slice(dot + 1))) {
    const base = segment.slice(0, dot);
    const normalized = normalizeSegment(base);
    if (normalized !== base) return normalized + segment.slice(dot);
  }
  if (segment.length === 36 && UUID.test(segment)) return '{uuid}';
  if (nonHex === 0 && segment.length >= 8) return '{hex}';
  if (longestRun >= 4 || (segment.length >= 16 && ID_CHARS.test(segment))) return '{id}';
  return segment;
}

/**
 * The route of a request target: scheme and host dropped (ALB and CloudFront log absolute URLs),
 * numeric/uuid/hex/id-like path segments and every query value replaced by placeholders, query keys
 * kept in their order: `/api/orders/42?page=3&sort=asc` → `/api/orders/{num}?page={*}&sort={*}`.
 * Routes stay stable templates while ids stay out of them.
 */
export function normalizeRoute(target: string): string {
  let path = target;
  const scheme = path.indexOf('://');
  if (scheme > 0 && scheme < 10) {
    const slash = path.indexOf('/', scheme + 3);
    path = slash === -1 ? '/' : path.slice(slash);
  }
  const hash = path.indexOf('#');
  if (hash !== -1) path = path.slice(0, hash);
  const q = path.indexOf('?');
  const query = q === -1 ? '' : path.slice(q + 1);
  if (q !== -1) path = path.slice(0, q);
  const route = hasDigit(path) ? path.split('/').map(normalizeSegment).join('/') : path;
  if (query.length === 0) return route;
  const keys = query.split('&').filter((pair) => pair.length > 0).map((pair) => {
    const eq = pair.indexOf('=');
    return eq === -1 ? normalizeSegment(pair) : `${pair.slice(0, eq)}={*}`;
  });
  return keys.length > 0 ? `${route}?${keys.join('&')}` : route;
}


function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}
