import { describe, expect, it } from 'vitest';
import { MinerStateError, TemplateMiner, toGenericTemplate } from '../../../shared/templates/index.ts';

function mine(messages: string[]): { miner: TemplateMiner; clusters: number[] } {
  const miner = new TemplateMiner();
  const clusters = messages.map((m) => miner.add(m));
  return { miner, clusters };
}

describe('TemplateMiner clustering', () => {
  it('puts lines that differ only in a number into one template with {num}', () => {
    // Act
    const { miner, clusters } = mine(['User 123 logged in', 'User 456 logged in']);

    // Assert
    expect(clusters[0]).toBe(clusters[1]);
    expect(miner.template(clusters[0]!)).toBe('User {num} logged in');
    expect(miner.count(clusters[0]!)).toBe(2);
    expect(miner.example(clusters[0]!)).toBe('User 123 logged in');
  });

  it('keeps templates that differ by one constant word apart', () => {
    // Act
    const { miner, clusters } = mine(['VM Started', 'VM Paused', '[instance: 1] VM Resumed (Lifecycle Event)', '[instance: 2] VM Stopped (Lifecycle Event)']);

    // Assert
    expect(new Set(clusters).size).toBe(4);
    expect(miner.template(clusters[0]!)).toBe('VM Started');
    expect(miner.template(clusters[1]!)).toBe('VM Paused');
  });

  it('turns a word slot into a variable once enough different words were seen there', () => {
    // Arrange
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];

    // Act
    const { miner, clusters } = mine(users.map((u, i) => `Accepted password for ${u} from 10.0.0.${i} port 22 ssh2`));

    // Assert
    const templates = new Set(clusters.map((c) => miner.template(c)));
    expect([...templates]).toEqual(['Accepted password for {*} from {ip} port {num} ssh2']);
    expect(new Set(clusters.map((c) => miner.templateId(c))).size).toBe(1);
  });

  it('puts one event whose variable spans a different number of tokens into one cluster', () => {
    // Act
    const { miner, clusters } = mine([
      'host.example.com:80 close, 0 bytes sent, 0 bytes received, lifetime 00:01',
      'host.example.com:80 close, 1190 bytes (1.16 KB) sent, 1671 bytes (1.63 KB) received, lifetime <1 sec',
      'host.example.com:80 close, 403 bytes sent, 18846 bytes (18.4 KB) received, lifetime 00:02',
    ]);

    // Assert
    expect(new Set(clusters).size).toBe(1);
    expect(miner.template(clusters[0]!)).toContain('close,');
  });

  it('does not let a variable first token split one event', () => {
    // Act
    const { miner, clusters } = mine(['alpha: connection reset by peer on socket 7', 'beta: connection reset by peer on socket 9', 'gamma: connection reset by peer on socket 3', 'delta: connection reset by peer on socket 1']);

    // Assert: the early clusters were merged, so every index now has the same template and id.
    expect(new Set(clusters.map((c) => miner.templateId(c))).size).toBe(1);
    expect(miner.template(clusters[0]!)).toBe('{*}: connection reset by peer on socket {num}');
  });

  it('keeps the punctuation shared by the values of a generalised position', () => {
    // Act
    const { miner, clusters } = mine(['Removed session user=guest from pool', 'Removed session user=42 from pool']);

    // Assert
    expect(miner.template(clusters[0]!)).toBe('Removed session user={*} from pool');
    expect(toGenericTemplate(miner.template(clusters[0]!))).toBe('Removed session user=<*> from pool');
  });

  it('gives the same templates and ids when the same input is mined twice', () => {
    // Arrange
    const lines = ['User 1 logged in', 'Disk /dev/sda1 at 91%', 'User 2 logged in', 'Connection to 10.2.3.4:5432 refused', 'VM Paused'];

    // Act
    const first = mine(lines);
    const second = mine(lines);

    // Assert
    const describe = ({ miner }: { miner: TemplateMiner }): string[] =>
      Array.from({ length: miner.clusterCount }, (_, c) => `${miner.templateId(c)} ${miner.template(c)}`);
    expect(describe(second)).toEqual(describe(first));
    expect(second.clusters).toEqual(first.clusters);
  });
});

describe('TemplateMiner.match', () => {
  it('finds the cluster of a known kind of line and -1 for an unknown one without changing state', () => {
    // Arrange
    const { miner, clusters } = mine(['User 123 logged in', 'User 456 logged in', 'Disk full on /dev/sda1']);
    const before = JSON.stringify(miner.toJSON());

    // Act
    const known = miner.match('User 789 logged in');
    const unknown = miner.match('Kernel panic - not syncing');

    // Assert
    expect(known).toBe(clusters[0]);
    expect(unknown).toBe(-1);
    expect(JSON.stringify(miner.toJSON())).toBe(before);
    expect(miner.count(clusters[0]!)).toBe(2);
  });

  it('forgets remembered match results once add() changes the templates', () => {
    // Arrange: a loaded miner (empty signature cache) remembers that the line matched nothing.
    const miner = TemplateMiner.fromJSON(mine(['Disk full on /dev/sda1']).miner.toJSON());
    const before = miner.match('Kernel panic - not syncing');

    // Act
    const added = miner.add('Kernel panic - not syncing');
    const after = miner.match('Kernel panic - not syncing');

    // Assert
    expect(before).toBe(-1);
    expect(after).toBe(added);
  });
});

describe('TemplateMiner serialisation', () => {
  it('round-trips through JSON and then matches and mines like the original', () => {
    // Arrange
    const { miner } = mine(['User 123 logged in', 'User 456 logged in', 'Disk full on /dev/sda1', 'VM Started', 'VM Paused']);

    // Act
    const copy = TemplateMiner.fromJSON(JSON.parse(JSON.stringify(miner.toJSON())));

    // Assert
    expect(copy.clusterCount).toBe(miner.clusterCount);
    for (let c = 0; c < miner.clusterCount; c++) {
      expect(copy.template(c)).toBe(miner.template(c));
      expect(copy.templateId(c)).toBe(miner.templateId(c));
      expect(copy.count(c)).toBe(miner.count(c));
    }
    for (const line of ['User 9 logged in', 'VM Started', 'Disk full on /dev/sdb2', 'something else entirely']) {
      expect(copy.match(line)).toBe(miner.match(line));
    }
    expect(copy.add('VM Resumed')).toBe(miner.add('VM Resumed'));
    expect(copy.toJSON()).toEqual(miner.toJSON());
  });

  it.each([
    ['null', null],
    ['a string', 'miner'],
    ['another format', { format: 'something', version: 1 }],
    ['a future version', { format: 'logsleuth.template-miner', version: 99 }],
    ['clusters that are not an array', { ...new TemplateMiner().toJSON(), clusters: 'x' }],
  ])('rejects %s with a MinerStateError', (_name, state) => {
    // Act
    const load = (): TemplateMiner => TemplateMiner.fromJSON(state);

    // Assert
    expect(load).toThrow(MinerStateError);
  });
});

describe('toGenericTemplate', () => {
  it('writes every typed placeholder and {*} as <*>', () => {
    // Act
    const generic = toGenericTemplate('{ip}:{num} sent {*} to {path} in {num}');

    // Assert
    expect(generic).toBe('<*>:<*> sent <*> to <*> in <*>');
  });
});
