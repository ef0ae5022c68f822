/**
 * Opaque pagination cursors for the results API. A cursor wraps the store's page token together with
 * a fingerprint of the query it belongs to, and carries an HMAC over both: an edited cursor, one
 * from another listing, or one with other filters is refused (a 400), and the store never sees a
 * key it did not make. The MAC is integrity, not access control: IAM decides who may read at all.
 * The key is passed in (the API Lambda reads it from Secrets Manager; `serve` makes a random one).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LogsleuthError, UserInputError } from '../errors.ts';

/** A cursor that was not made by this API for this query. */
export class InvalidCursor extends UserInputError {
  override name = 'InvalidCursor';
}

const MAX_CURSOR_LENGTH = 4096;
/** Shorter keys are refused: a guessable key would let anyone forge cursors. */
export const MIN_CURSOR_KEY_LENGTH = 16;

export class CursorCodec {
  /**
   * @param secret the HMAC key; cursors made with one key are refused by another.
   * @throws {LogsleuthError} when the key is shorter than {@link MIN_CURSOR_KEY_LENGTH} characters.
   */
  constructor(private readonly secret: string) {
    if (secret.length < MIN_CURSOR_KEY_LENGTH) throw new LogsleuthError(`the cursor key has ${secret.length} characters: it needs at least ${MIN_CURSOR_KEY_LENGTH}`);
  }

  /** The cursor for the page after this one: `base64url(json).mac`. */
  encode(query: string, token: string): string {
    const payload = Buffer.from(JSON.stringify({ q: query, t: token })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The store's token inside `cursor`, when `cursor` is intact and belongs to `query`. */
  decode(query: string, cursor: string): string {
    const refuse = () => new InvalidCursor('cursor is not valid for this listing: pass the nextCursor of the previous page unchanged, with the same filters');
    if (cursor.length > MAX_CURSOR_LENGTH) throw refuse();
    const [payload, mac, ...rest] = cursor.split('.');
    if (!payload || !mac || rest.length > 0) throw refuse();
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse();
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw refuse();
    }
    const { q, t } = (body ?? {}) as { q?: unknown; t?: unknown };
    if (q !== query || typeof t !== 'string') throw refuse();
    return t;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 32);
  }
}
