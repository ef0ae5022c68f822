/**
 * Renders HDFS_100k sessions (event-id sequences only: the dataset keeps no raw lines, see its
 * README) back into HDFS log lines in loghub's HDFS format, so they can go through ingest and the
 * whole pipeline like a real HDFS log. Each event id gets its loghub component and a message shaped
 * like the real lines in loghub-2k's HDFS sample; the variable parts are seeded random values.
 */
import { createRandom } from '../../shared/random.ts';

/** loghub's header format for HDFS (`../shared/datasets/loghub-2k/formats.json`). */
export const HDFS_FORMAT = '<Date> <Time> <Pid> <Level> <Component>: <Content>';
/** The session rule of loglizer and deep-loglizer: a line belongs to the block it names. */
export const HDFS_SESSION_REGEX = /blk_-?\d+/;

type Random = () => number;
interface EventShape { level: 'INFO' | 'WARN'; component: string; content: (block: string, r: Random) => string }

const ip = (r: Random) => `10.25${Math.floor(r() * 2)}.${1 + Math.floor(r() * 254)}.${1 + Math.floor(r() * 254)}`;
const port = (r: Random) => 30000 + Math.floor(r() * 30000);
const size = (r: Random) => (r() < 0.9 ? 67108864 : 1 + Math.floor(r() * 67108864));

/** Event id → how its line looks (components and wording from HDFS_2k.log; E7… from the templates). */
const EVENTS: Record<string, EventShape> = {
  E2: { level: 'INFO', component: 'dfs.DataBlockScanner', content: (b) => `Verification succeeded for ${b}` },
  E3: { level: 'INFO', component: 'dfs.DataNode$DataXceiver', content: (b, r) => `${ip(r)}:50010 Served block ${b} to /${ip(r)}` },
  E5: { level: 'INFO', component: 'dfs.DataNode$DataXceiver', content: (b, r) => { const a = ip(r); return `Receiving block ${b} src: /${a}:${port(r)} dest: /${a}:50010`; } },
  E6: { level: 'INFO', component: 'dfs.DataNode$DataXceiver', content: (b, r) => { const a = ip(r); return `Received block ${b} src: /${a}:${port(r)} dest: /${a}:50010 of size ${size(r)}`; } },
  E7: { level: 'INFO', component: 'dfs.DataNode$DataXceiver', content: (b, r) => `writeBlock ${b} received exception java.io.IOException: Could not read from stream ${port(r)}` },
  E8: { level: 'INFO', component: 'dfs.DataNode$PacketResponder', content: (b, r) => `PacketResponder ${Math.floor(r() * 3)} for block ${b} Interrupted.` },
  E9: { level: 'INFO', component: 'dfs.DataNode$PacketResponder', content: (b, r) => `Received block ${b} of size ${size(r)} from /${ip(r)}` },
  E10: { level: 'INFO', component: 'dfs.DataNode$PacketResponder', content: (b, r) => `PacketResponder ${b} ${Math.floor(r() * 3)} Exception java.io.IOException: Broken pipe` },
  E11: { level: 'INFO', component: 'dfs.DataNode$PacketResponder', content: (b, r) => `PacketResponder ${Math.floor(r() * 3)} for block ${b} terminating` },
  E13: { level: 'INFO', component: 'dfs.DataNode$DataXceiver', content: (b) => `Receiving empty packet for block ${b}` },
  E14: { level: 'INFO', component: 'dfs.DataNode$DataXceiver', content: (b) => `Exception in receiveBlock for block ${b} java.io.IOException: Connection reset by peer` },
  E15: { level: 'INFO', component: 'dfs.DataNode$BlockReceiver', content: (b, r) => `Changing block file offset of block ${b} from ${Math.floor(r() * 1e6)} to ${Math.floor(r() * 1e6)} meta file offset to ${Math.floor(r() * 1e4)}` },
  E16: { level: 'INFO', component: 'dfs.DataNode$DataTransfer', content: (b, r) => `${ip(r)}:50010:Transmitted block ${b} to /${ip(r)}:50010` },
  E18: { level: 'INFO', component: 'dfs.DataNode', content: (b, r) => `${ip(r)}:50010 Starting thread to transfer block ${b} to ${ip(r)}:50010` },
  E21: { level: 'INFO', component: 'dfs.FSDataset', content: (b, r) => `Deleting block ${b} file /mnt/hadoop/dfs/data/current/subdir${Math.floor(r() * 64)}/${b}` },
  E22: { level: 'INFO', component: 'dfs.FSNamesystem', content: (b, r) => { const task = String(Math.floor(r() * 1000)).padStart(6, '0'); return `BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/_task_200811092030_0001_m_${task}_0/part-${task.slice(1)}. ${b}`; } },
  E25: { level: 'INFO', component: 'dfs.FSNamesystem', content: (b, r) => `BLOCK* ask ${ip(r)}:50010 to replicate ${b} to datanode(s) ${ip(r)}:50010` },
  E26: { level: 'INFO', component: 'dfs.FSNamesystem', content: (b, r) => `BLOCK* NameSystem.addStoredBlock: blockMap updated: ${ip(r)}:50010 is added to ${b} size ${size(r)}` },
  E27: { level: 'INFO', component: 'dfs.FSNamesystem', content: (b, r) => `BLOCK* NameSystem.addStoredBlock: Redundant addStoredBlock request received for ${b} on ${ip(r)}:50010 size ${size(r)}` },
};

/** One session to render: its block id and its events in log order. */
export interface HdfsSessionEvents { blockId: string; events: string[] }

/**
 * Interleaves the sessions' events as a cluster would: up to `concurrency` blocks are open at a time
 * (opened in the given order), each line comes from a randomly chosen open block, and a block's own
 * events keep their order. Timestamps advance by 0–2 s per line from 2008-11-09 20:30:00.
 * Deterministic for a given seed. Throws on an event id the dataset does not define.
 */
export function renderHdfsLines(sessions: readonly HdfsSessionEvents[], seed: number, concurrency = 40): string[] {
  const r = createRandom(seed);
  const lines: string[] = [];
  const open: { session: HdfsSessionEvents; next: number }[] = [];
  let waiting = 0;
  let seconds = 20 * 3600 + 30 * 60;
  const pids = Array.from({ length: 30 }, () => 13 + Math.floor(r() * 3000));
  while (waiting < sessions.length || open.length > 0) {
    while (open.length < concurrency && waiting < sessions.length) open.push({ session: sessions[waiting++]!, next: 0 });
    const k = Math.floor(r() * open.length);
    const slot = open[k]!;
    const id = slot.session.events[slot.next++]!;
    const shape = EVENTS[id];
    if (!shape) throw new Error(`HDFS event ${id} of ${slot.session.blockId} has no line shape in scripts/lib/hdfs-lines.ts`);
    seconds += Math.floor(r() * 3);
    const day = 9 + Math.floor(seconds / 86400);
    const s = seconds % 86400;
    const time = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join('');
    lines.push(`0811${String(day).padStart(2, '0')} ${time} ${pids[Math.floor(r() * pids.length)]} ${shape.level} ${shape.component}: ${shape.content(slot.session.blockId, r)}`);
    if (slot.next >= slot.session.events.length) open.splice(k, 1);
  }
  return lines;
}
