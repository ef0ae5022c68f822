/**
 * Amazon VPC flow logs (text): space-separated fields, the default version 2 order unless the flow
 * log has a custom format. Objects in S3 begin with a header line naming the fields, which sets the
 * order for the lines after it.
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
 */
import type { LogRecord } from '../record.ts';
import { isDigits, present } from './fields.ts';
import { SKIP, type TextParser, type TextPreset } from './preset.ts';

/** The default (version 2) format. */
export const VPC_FLOW_DEFAULT_FIELDS: readonly string[] = [
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol',
  'packets', 'bytes', 'start', 'end', 'action', 'log-status',
];

/** Every documented field (versions 2–8): a header line is one made only of these names. */
const KNOWN_FIELDS = new Set([
  ...VPC_FLOW_DEFAULT_FIELDS,
  'vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr',
  'region', 'az-id', 'sublocation-type', 'sublocation-id', 'pkt-src-aws-service',
  'pkt-dst-aws-service', 'flow-direction', 'traffic-path', 'ecs-cluster-arn', 'ecs-cluster-name',
  'ecs-container-instance-arn', 'ecs-container-instance-id', 'ecs-container-id',
  'ecs-second-container-id', 'ecs-service-name', 'ecs-task-definition-arn', 'ecs-task-arn',
  'ecs-task-id', 'reject-reason', 'resource-id', 'encryption-status',
]);

const PROTOCOLS: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };

/** From here up (IANA's dynamic range) a port says nothing about the service: it stays out of messages. */
const DYNAMIC_PORT = 49152;

/** Mapped to record properties, so left out of `fields`. */
const MAPPED = new Set(['start', 'interface-id']);

interface Layout {
  names: readonly string[];
  version: number;
  iface: number;
  srcport: number;
  dstport: number;
  protocol: number;
  start: number;
  action: number;
  status: number;
}

function layoutOf(names: readonly string[]): Layout {
  const at = (name: string) => names.indexOf(name);
  return {
    names,
    version: at('version'),
    iface: at('interface-id'),
    srcport: at('srcport'),
    dstport: at('dstport'),
    protocol: at('protocol'),
    start: at('start'),
    action: at('action'),
    status: at('log-status'),
  };
}

const DEFAULT_LAYOUT = layoutOf(VPC_FLOW_DEFAULT_FIELDS);

/** Header names as written in S3 (`account-id`); Athena/Parquet spellings (`account_id`) are accepted too. */
function headerNames(line: string): string[] | undefined {
  const names = line.split(' ').map((name) => name.replaceAll('_', '-'));
  return names.length > 1 && names.every((name) => KNOWN_FIELDS.has(name)) ? names : undefined;
}

/**
 * The port that names the service: the destination port, unless the source port is lower (the
 * record is return traffic from a server to a client's ephemeral port).
 */
function servicePort(src: string | undefined, dst: string | undefined): string | undefined {
  const s = src !== undefined && isDigits(src) ? Number(src) : undefined;
  const d = dst !== undefined && isDigits(dst) ? Number(dst) : undefined;
  if (d === undefined && s === undefined) return undefined;
  const [direction, port] = d !== undefined && (s === undefined || d <= s) ? ['to', d] : ['from', s!];
  if (port === 0) return undefined;
  // Both ends dynamic (peer-to-peer, passive FTP data): which one is lower says nothing.
  return port >= DYNAMIC_PORT ? 'between dynamic ports' : `${direction} port ${port}`;
}

function flowMessage(action: string | undefined, status: string | undefined, protocol: string | undefined, ports: string | undefined): string {
  if (status === 'NODATA') return 'NODATA: no traffic on the interface during the capture window';
  if (status === 'SKIPDATA') return 'SKIPDATA: flow records skipped during the capture window';
  const proto = protocol === undefined ? undefined : (PROTOCOLS[protocol] ?? `protocol ${protocol}`);
  return [action ?? 'FLOW', proto, ports].filter((part) => part !== undefined).join(' ');
}

class VpcFlowParser implements TextParser {
  private layout = DEFAULT_LAYOUT;

  parse(line: string, source: string, lineNo: number): LogRecord | typeof SKIP | undefined {
    const first = line.charCodeAt(0);
    // A header starts with a field name; a custom format's record may too (`vpc-0a1b… `), so fall through.
    if (first >= 97 && first <= 122) {
      const names = headerNames(line);
      if (names !== undefined) {
        this.layout = layoutOf(names);
        return SKIP;
      }
    }
    const layout = this.layout;
    const v = line.split(' ');
    // A flow log's format is fixed when it is created: every line has exactly the header's fields.
    if (v.length !== layout.names.length) return undefined;
    const at = (index: number) => (index === -1 ? undefined : present(v[index]));

    const action = at(layout.action);
    const status = at(layout.status);
    const start = at(layout.start);
    // A custom format without any of these has nothing to tell a flow line from other text.
    if (layout.action === -1 && layout.status === -1 && layout.start === -1) return undefined;
    if (action !== undefined && action !== 'ACCEPT' && action !== 'REJECT') return undefined;
    if (status !== undefined && status !== 'OK' && status !== 'NODATA' && status !== 'SKIPDATA') return undefined;
    if (start !== undefined && !(start.length >= 9 && start.length <= 11 && isDigits(start))) return undefined;
    const version = at(layout.version);
    if (version !== undefined && !isDigits(version)) return undefined;
    const iface = at(layout.iface);
    if (iface !== undefined && !iface.startsWith('eni-')) return undefined;

    const protocol = at(layout.protocol);
    const ports = protocol === '1' || protocol === '58' ? undefined : servicePort(at(layout.srcport), at(layout.dstport));
    const record: LogRecord = {
      source,
      line: lineNo,
      message: flowMessage(action, status, protocol, ports),
      level: action === 'REJECT' ? 'WARN' : 'INFO',
    };
    if (start !== undefined) record.timestamp = Number(start) * 1000;
    if (iface) record.service = iface;
    const fields: Record<string, string> = {};
    for (let i = 0; i < v.length; i++) {
      const name = layout.names[i]!;
      const value = present(v[i]);
      if (value !== undefined && !MAPPED.has(name)) fields[name] = value;
    }
    record.fields = fields;
    return record;
  }
}

export const vpcFlowPreset: TextPreset = {
  name: 'vpc-flow',
  title: 'Amazon VPC flow log',
  framing: 'text',
  multiline: 'none',
  provides: { duration: false, level: true, session: false, service: true },
  mapping: [
    'duration: none (end − start is the capture window, not a latency; end in fields)',
    'level: action (REJECT WARN, ACCEPT INFO; NODATA/SKIPDATA records INFO)',
    'session: none (flows carry no session id)',
    'service: interface-id (eni-…)',
    'message: action + protocol + service port (REJECT tcp to port 22; the lower port of the pair; none named when both are ≥ 49152)',
    'timestamp: start (epoch s); fields from the header line (default v2 order without one); addresses, ports, bytes in fields',
  ],
  create() {
    return new VpcFlowParser();
  },
};
