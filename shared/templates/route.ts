/**
 * HTTP routes as templates: ids in a request path become placeholders, the route's words stay.
 * Used by the access-log presets (the record's message) and by the miner (a path after an HTTP
 * method is a route, not a file path), so `GET /api/orders/42` and `GET /api/orders/43` share one
 * template while `GET /api/orders` and `GET /api/users` do not.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(?=[a-z]*\d)[0-9a-f]{8,}$/i;
const DIGITS = /^\d+$/;
/** A segment with a long run of digits or mixed letters+digits of id length (`u-123456`, `ord_9f3kq81z`). */
const ID_LIKE = /^(?=.*\d)[\w.~-]{16,}$|\d{4,}/;

/** One path segment or query value, with an id replaced by its placeholder. */
export function normalizeSegment(segment: string): string {
  if (segment.length === 0) return segment;
  if (DIGITS.test(segment)) return '{num}';
  if (segment.length === 36 && UUID.test(segment)) return '{uuid}';
  if (HEX.test(segment)) return '{hex}';
  if (ID_LIKE.test(segment)) return '{id}';
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
  const route = path.split('/').map(normalizeSegment).join('/');
  if (query.length === 0) return route;
  const keys = query.split('&').filter((pair) => pair.length > 0).map((pair) => {
    const eq = pair.indexOf('=');
    return eq === -1 ? normalizeSegment(pair) : `${pair.slice(0, eq)}={*}`;
  });
  return keys.length > 0 ? `${route}?${keys.join('&')}` : route;
}

