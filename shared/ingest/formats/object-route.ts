/**
 * Routes of object requests (CloudFront, S3), where the last segment is often a file name whose
 * id sits before the extension: `/photos/12345.jpg` → `/photos/{num}.jpg`.
 */
import { normalizeRoute, normalizeSegment } from './http.ts';

const EXTENSION = /\.[A-Za-z0-9]{1,8}$/;

/** A file name with an id before its extension → placeholder + extension; anything else unchanged. */
function normalizeFileName(segment: string): string {
  const ext = EXTENSION.exec(segment);
  if (ext === null || ext.index === 0) return segment;
  const base = segment.slice(0, ext.index);
  const normalized = normalizeSegment(base);
  return normalized === base ? segment : normalized + ext[0];
}

/**
 * {@link normalizeRoute} (scheme/host dropped, id segments and query values replaced), with ids in
 * front of a file extension replaced first, so the extension survives:
 * `/img/2024/981.png?w=200` → `/img/{num}/{num}.png?w={*}` (not `/img/{num}/981.png` nor `{id}`).
 */
export function normalizeObjectRoute(target: string): string {
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const named = path.split('/').map(normalizeFileName).join('/');
  return normalizeRoute(q === -1 ? named : named + target.slice(q));
}
