/**
 * Spilled session counters travel with a pass-1 checkpoint. The checkpoint names the fragment runs
 * its session tracker wrote to the spill store (local disk, gone with the invocation); they are
 * copied to `checkpoints/<runId>/spill/<name>` next to it, and the continuation copies back those
 * its checkpoint names before resuming. A run never changes once written and its name is never
 * reused within a run id, so each is uploaded once however many continuations follow, and a
 * redelivered follow-up finds what it needs.
 */
import { isFragmentRun } from '../../detect/session-spill.ts';
import type { SpillStore } from '../../detect/spill-store.ts';
import type { ObjectStore } from '../../ports.ts';
import { CHECKPOINTS_PREFIX } from './layout.ts';

/** `checkpoints/<runId>/spill/`: expires with the checkpoints. */
export const spillPrefix = (runId: string): string => `${CHECKPOINTS_PREFIX}${runId}/spill/`;

const PIECE_BYTES = 1 << 20;

/** Uploads the fragment runs in `spill` that are not stored yet; returns how many it uploaded. */
export async function saveSpilledSessions(objects: ObjectStore, runId: string, spill: SpillStore): Promise<number> {
  let uploaded = 0;
  for (const name of spill.names().filter(isFragmentRun)) {
    const key = `${spillPrefix(runId)}${name}`;
    const size = spill.size(name) ?? 0;
    if ((await objects.head(key))?.size === size) continue;
    await objects.put(key, pieces(spill, name, size), 'application/octet-stream');
    uploaded++;
  }
  return uploaded;
}

/**
 * Downloads into `spill` the runs a checkpoint's state names (a pass-2 checkpoint names none). A
 * run that is not stored is left out: resuming then fails with a message that says which.
 */
export async function restoreSpilledSessions(objects: ObjectStore, runId: string, spill: SpillStore, state: unknown): Promise<void> {
  const checkpoint = state as { phase?: string; sessions?: { runs?: unknown } } | null;
  const runs = checkpoint?.phase === 'observe' && Array.isArray(checkpoint.sessions?.runs) ? checkpoint.sessions.runs : [];
  for (const name of runs) {
    if (typeof name !== 'string' || !isFragmentRun(name)) continue;
    const key = `${spillPrefix(runId)}${name}`;
    if (!(await objects.head(key))) continue;
    spill.remove(name);
    for await (const chunk of await objects.input(key).open()) spill.append(name, chunk);
  }
}

async function* pieces(spill: SpillStore, name: string, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < size; at += PIECE_BYTES) {
    // A fresh buffer each time: the upload may still hold the previous one.
    const piece = new Uint8Array(Math.min(PIECE_BYTES, size - at));
    yield piece.subarray(0, spill.read(name, at, piece));
  }
}
