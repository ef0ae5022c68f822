/**
 * The history of a source's `current` pointer: every pointer training or the nightly roll sets is
 * also kept as `models/<source>/history/<ISO time>.json` (the time it became current). Rebuilding
 * a past day asks which pointer was current on that day ({@link pointerAt}), instead of rolling
 * today's model over an old day.
 */
import type { CurrentModel } from '../../model/model-store.ts';
import type { ObjectStore } from '../../ports.ts';
import { MODELS_PREFIX } from './layout.ts';

/** `models/<source>/history/` */
export const historyPrefix = (source: string): string => `${MODELS_PREFIX}${source}/history/`;
/** `models/<source>/history/<ISO time>.json`: ISO times sort like the times they name. */
export const historyKey = (source: string, at: number): string => `${historyPrefix(source)}${new Date(at).toISOString()}.json`;

/** Keeps `pointer` as the one current from `at` (epoch ms) on. Same time and pointer → same object. */
export async function recordPointer(objects: ObjectStore, source: string, pointer: CurrentModel, at: number): Promise<void> {
  await objects.put(historyKey(source, at), JSON.stringify(pointer), 'application/json');
}

/** One kept pointer: when it became current, and how to read it (read only the ones needed). */
export interface KeptPointer {
  at: number;
  read(): Promise<CurrentModel | undefined>;
}

/** Every kept pointer of `source`, oldest first (one listing; nothing read yet). */
export async function pointerHistory(objects: ObjectStore, source: string): Promise<KeptPointer[]> {
  const prefix = historyPrefix(source);
  const out: KeptPointer[] = [];
  for (const o of await objects.list(prefix)) {
    const at = Date.parse(o.key.slice(prefix.length, -'.json'.length));
    if (!Number.isNaN(at)) out.push({ at, read: async () => parsePointer(await objects.getText(o.key)) });
  }
  return out.sort((a, b) => a.at - b.at);
}

const parsePointer = (text: string | undefined): CurrentModel | undefined => (text === undefined ? undefined : JSON.parse(text) as CurrentModel);

/**
 * The pointer that was current at `at` (epoch ms): the newest kept one set no later than that.
 * A source trained before the history existed has none: its `current` pointer stands in when it
 * was trained by then. Undefined when no model existed yet.
 */
export async function pointerAt(history: KeptPointer[], current: CurrentModel | undefined, at: number): Promise<CurrentModel | undefined> {
  const kept = history.filter((h) => h.at <= at).pop();
  if (kept) return kept.read();
  return history.length === 0 && current && current.trainedAt <= at ? current : undefined;
}
