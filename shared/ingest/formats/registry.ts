/**
 * Every format preset, and sniffing: which preset a file is, decided once per file or archive
 * entry from its first lines. Order matters: on a tie the preset listed first wins, so the more
 * specific formats come first.
 */
import { isStackLine } from '../multiline.ts';
import { SKIP, type JsonPreset, type ParseContext, type Preset, type TextPreset } from './preset.ts';
// AWS text presets
import { albPreset } from './alb.ts';
import { cloudfrontPreset } from './cloudfront.ts';
import { elbClassicPreset } from './elb-classic.ts';
import { s3AccessPreset } from './s3-access.ts';
import { vpcFlowPreset } from './vpc-flow.ts';
// Common text presets
import { accessLogPreset } from './access-log.ts';
import { criPreset } from './cri.ts';
import { kafkaPreset, log4jPreset, springBootPreset } from './java.ts';
import { logfmtPreset } from './logfmt.ts';
import { pythonLoggingPreset } from './python-logging.ts';
import { syslogPreset } from './syslog.ts';
// JSON presets and Lambda/CloudWatch
import { cloudtrailPreset } from './cloudtrail.ts';
import { cloudwatchSubscriptionPreset } from './cloudwatch-subscription.ts';
import { dockerJsonPreset } from './docker-json.ts';
import { lambdaJsonPreset } from './lambda-json.ts';
import { cloudwatchExportPreset, lambdaPreset } from './lambda.ts';

/** JSON presets, most specific first. */
export const JSON_PRESETS: readonly JsonPreset[] = [
  cloudtrailPreset,
  cloudwatchSubscriptionPreset,
  lambdaJsonPreset,
  dockerJsonPreset,
];

/** Text presets, most specific first. */
export const TEXT_PRESETS: readonly TextPreset[] = [
  // AWS (helper A)
  albPreset,
  elbClassicPreset,
  cloudfrontPreset,
  s3AccessPreset,
  vpcFlowPreset,
  // Lambda / CloudWatch export (helper C)
  lambdaPreset,
  // cloudwatchExportPreset is listed last (below): it reads any `<ISO-8601 UTC> <text>` line.
  // common formats (helper B)
  criPreset,
  accessLogPreset,
  kafkaPreset,
  springBootPreset,
  log4jPreset,
  pythonLoggingPreset,
  syslogPreset,
  logfmtPreset,
  // Last: the most generic (helper C): CRI and Spring Boot lines also start with an ISO UTC timestamp.
  cloudwatchExportPreset,
];

export const PRESETS: readonly Preset[] = [...JSON_PRESETS, ...TEXT_PRESETS];

/** The preset called `name` (case-insensitive), if there is one. */
export function presetByName(name: string): Preset | undefined {
  const lower = name.toLowerCase();
  return PRESETS.find((preset) => preset.name === lower);
}

/** Below this share of its sample lines, a preset does not claim a file. */
const MIN_SHARE = 0.6;

/**
 * The text preset that reads the most of these sample lines (the first non-blank lines of a file),
 * or undefined when none reads at least 60 % of them. Lines that look like stack-trace
 * continuation are left out of the count, so a Java log opening with a long trace still sniffs.
 */
export function sniffTextPreset(lines: readonly string[], context: ParseContext): TextPreset | undefined {
  let best: TextPreset | undefined;
  let bestShare = 0;
  for (const preset of TEXT_PRESETS) {
    const parser = preset.create(context);
    let read = 0;
    let counted = 0;
    let previousRead = false;
    lines.forEach((line, i) => {
      let result: ReturnType<typeof parser.parse>;
      try {
        result = parser.parse(line, 'sniff', i + 1);
      } catch {
        result = undefined;
      }
      if (result !== undefined) {
        read++;
        counted++;
        previousRead = true;
      } else if (!(preset.multiline !== 'none' && previousRead && (isStackLine(line) || isIndented(line)))) {
        counted++;
      }
      if (result === SKIP) read--, counted--; // header lines say little about the records
    });
    const share = counted === 0 ? 0 : read / counted;
    if (read > 0 && share >= MIN_SHARE && share > bestShare) {
      best = preset;
      bestShare = share;
    }
  }
  return best;
}

/** An indented line (a traceback's source line, a wrapped message) rarely starts a record. */
function isIndented(line: string): boolean {
  const first = line.charCodeAt(0);
  return first === 32 || first === 9;
}

/** The JSON preset that claims a file from its head and first value, if any. */
export function sniffJsonPreset(head: string, first: unknown): JsonPreset | undefined {
  return JSON_PRESETS.find((preset) => preset.sniff(head, first));
}
