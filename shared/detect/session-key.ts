/**
 * The number a session is known by inside detection (pass 1 counters, pass 2 collection, findings):
 * its own module, so the modules that key sessions depend on it and not on each other.
 */

/**
 * A 52-bit hash of a session id (two 32-bit FNV-1a lanes), exact as a double. Two ids sharing one
 * would merge their counters; with a million sessions the chance of any such pair is about 1 in 10 000.
 */
export function sessionKey(sessionId: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ sessionId.length;
  for (let i = 0; i < sessionId.length; i++) {
    const c = sessionId.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return ((a >>> 0) % 0x100000) * 0x100000000 + (b >>> 0);
}
