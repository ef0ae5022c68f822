import { describe, expect, it } from 'vitest';
import { SKIP } from '../../../../shared/ingest/formats/preset.ts';
import { sniffTextPreset } from '../../../../shared/ingest/formats/registry.ts';
import { vpcFlowPreset } from '../../../../shared/ingest/formats/vpc-flow.ts';
import { JUNK, SAMPLES, VPC, context, parseAll, records } from './aws-samples.ts';

const START = Date.UTC(2024, 2, 14, 9, 26, 53);

describe('VPC flow log preset', () => {
  it('skips the header line and reads the records after it', () => {
    const results = parseAll(vpcFlowPreset, [VPC.header, VPC.sshReject]);
    expect(results[0]).toBe(SKIP);
    expect(results[1]).toMatchObject({ line: 2, message: 'REJECT tcp to port 22' });
  });

  it('maps a rejected SSH attempt: WARN, start as timestamp, interface as service, addresses in fields', () => {
    const [record] = records(vpcFlowPreset, [VPC.sshReject]);
    expect(record).toMatchObject({ message: 'REJECT tcp to port 22', level: 'WARN', timestamp: START, service: 'eni-0a1b2c3d4e5f60718' });
    expect(record!.fields).toEqual({
      version: '2', 'account-id': '123456789012', srcaddr: '198.51.100.14', dstaddr: '10.0.1.25',
      srcport: '51834', dstport: '22', protocol: '6', packets: '1', bytes: '40', end: '1710408471',
      action: 'REJECT', 'log-status': 'OK',
    });
    expect(record).not.toHaveProperty('sessionId');
    expect(record).not.toHaveProperty('durationMs');
  });

  it('names the server port of return traffic, so ephemeral client ports stay out of the message', () => {
    const [https, dns, icmp] = records(vpcFlowPreset, [VPC.httpsReturn, VPC.dns, VPC.icmp]);
    expect(https).toMatchObject({ message: 'ACCEPT tcp from port 443', level: 'INFO' });
    expect(dns!.message).toBe('ACCEPT udp to port 53');
    expect(icmp!.message).toBe('REJECT icmp');
    const other = VPC.httpsReturn.replace(' 49321 ', ' 61877 ').replace('203.0.113.9', '192.0.2.77');
    expect(records(vpcFlowPreset, [other])[0]!.message).toBe(https!.message);
  });

  it('hides ports in the dynamic range and names unknown protocols by number', () => {
    const line = '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.25 10.0.2.30 50123 50999 132 3 180 1710408413 1710408471 ACCEPT OK';
    const swapped = line.replace('50123 50999', '60999 50124');
    expect(records(vpcFlowPreset, [line, swapped]).map((r) => r.message)).toEqual([
      'ACCEPT protocol 132 between dynamic ports',
      'ACCEPT protocol 132 between dynamic ports',
    ]);
  });

  it('reads NODATA and SKIPDATA lines as INFO records that say so', () => {
    const [noData, skipData] = records(vpcFlowPreset, [VPC.noData, VPC.skipData]);
    expect(noData).toMatchObject({ level: 'INFO', service: 'eni-0f9e8d7c6b5a43210', timestamp: START });
    expect(noData!.message).toMatch(/^NODATA/);
    expect(skipData!.message).toMatch(/^SKIPDATA/);
    expect(noData!.fields).not.toHaveProperty('srcaddr');
  });

  it('follows a custom-format header, also one whose records start with a letter', () => {
    const lines = [
      'vpc-id interface-id srcaddr dstaddr dstport srcport protocol start end action log-status flow-direction',
      'vpc-0f1e2d3c4b5a69788 eni-0a1b2c3d4e5f60718 10.0.1.25 10.0.9.9 5432 38211 6 1710408413 1710408471 ACCEPT OK egress',
    ];
    const [record] = records(vpcFlowPreset, lines);
    expect(record).toMatchObject({ message: 'ACCEPT tcp to port 5432', timestamp: START, service: 'eni-0a1b2c3d4e5f60718' });
    expect(record!.fields).toMatchObject({ 'vpc-id': 'vpc-0f1e2d3c4b5a69788', 'flow-direction': 'egress' });
  });

  it('returns undefined for junk and for lines that do not fit the field list', () => {
    const parser = vpcFlowPreset.create(context);
    for (const line of JUNK) expect(parser.parse(line, 'vpc.log', 1)).toBeUndefined();
    expect(parser.parse(VPC.sshReject.replace('REJECT', 'DROP'), 'vpc.log', 1)).toBeUndefined();
    expect(parser.parse(VPC.sshReject.replace(' OK', ' OK extra'), 'vpc.log', 1)).toBeUndefined();
    expect(parser.parse(VPC.sshReject.replace('1710408413', 'yesterday'), 'vpc.log', 1)).toBeUndefined();
    expect(parser.parse(VPC.sshReject.replace('eni-', 'nic-'), 'vpc.log', 1)).toBeUndefined();
    expect(parser.parse('version account-id bananas', 'vpc.log', 1)).toBeUndefined();
  });

  it('is sniffed from a sample file, and no other sample is sniffed as VPC flow', () => {
    expect(sniffTextPreset(SAMPLES['vpc-flow']!, context)?.name).toBe('vpc-flow');
    expect(sniffTextPreset(SAMPLES['vpc-flow']!.slice(1), context)?.name).toBe('vpc-flow');
    for (const [name, lines] of Object.entries(SAMPLES)) {
      if (name !== 'vpc-flow') expect(sniffTextPreset(lines, context)?.name).not.toBe('vpc-flow');
    }
  });

  it('declares an honest text preset: no duration, no session', () => {
    expect(vpcFlowPreset).toMatchObject({ name: 'vpc-flow', framing: 'text', multiline: 'none', provides: { duration: false, level: true, session: false, service: true } });
    expect(vpcFlowPreset.mapping.join('\n')).toMatch(/duration: none/);
  });
});
