import { Buffer } from 'node:buffer';
import type { ByteReader } from './byte-reader.ts';

/**
 * Decodes a UTF-16 stream as UTF-8 chunks, so the rest of ingest reads it like any other text:
 * `encoding` is what its byte order mark says, and the mark itself is dropped. Streaming: a code
 * unit or surrogate pair split across chunks survives; an unpaired surrogate or a lone last byte
 * becomes U+FFFD.
 */
export async function* utf16ToUtf8(reader: ByteReader, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder(encoding);
  for (;;) {
    const chunk = await reader.next();
    if (chunk === null) break;
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield Buffer.from(rest, 'utf8');
}
