/**
 * Sample lines of the AWS text formats, written from the published field definitions (ALB, Classic
 * ELB, CloudFront standard logs, S3 server access logs, VPC flow logs). Shared by the preset tests
 * so each can check that it does not read the others' lines.
 */
import { JsonRecordMapper, resolveFieldMapping } from '../../../../shared/ingest/field-mapping.ts';
import type { ParseContext, TextPreset } from '../../../../shared/ingest/formats/preset.ts';
import { SKIP } from '../../../../shared/ingest/formats/preset.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';

export const context: ParseContext = { mapper: new JsonRecordMapper(resolveFieldMapping()) };

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/prod-web-tg/73e2d6bc24d8a067';
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/3f9a1c2e-7b4d-4e8f-9a6b-1c2d3e4f5a6b';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36';

export const ALB = {
  ok: `https 2024-03-14T09:26:53.412345Z app/prod-web-alb/50dc6c495c0c9188 203.0.113.42:53422 10.0.12.34:8080 0.001 0.045 0.000 200 200 312 1520 "GET https://shop.example.com:443/api/orders/48213?page=2 HTTP/1.1" "${CHROME}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ${TG} "Root=1-65f2c2fd-4f1c3e0a9b8d7c6e5f4a3b2c" "shop.example.com" "${CERT}" 1 2024-03-14T09:26:53.366000Z "forward" "-" "-" "10.0.12.34:8080" "200" "-" "-" TID_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d`,
  badGateway: `https 2024-03-14T09:27:01.020000Z app/prod-web-alb/50dc6c495c0c9188 198.51.100.7:40112 10.0.12.35:8080 0.000 0.003 -1 502 - 640 277 "POST https://shop.example.com:443/api/checkout HTTP/1.1" "okhttp/4.12.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ${TG} "Root=1-65f2c305-0b1c2d3e4f5a6b7c8d9e0f1a" "shop.example.com" "${CERT}" 2 2024-03-14T09:27:01.016000Z "forward" "-" "-" "10.0.12.35:8080" "-" "-" "-" TID_9f8e7d6c5b4a39281706f5e4d3c2b1a0`,
  timeout: `h2 2024-03-14T09:28:12.000100Z app/prod-web-alb/50dc6c495c0c9188 203.0.113.99:61007 10.0.12.36:8080 0.000 -1 -1 504 - 410 202 "GET https://shop.example.com:443/api/reports/export?from=2024-01-01&to=2024-03-01 HTTP/2.0" "${CHROME}" TLS_AES_128_GCM_SHA256 TLSv1.3 ${TG} "Self=1-65f2c34c-1a2b3c4d5e6f7a8b9c0d1e2f;Root=1-65f2c31e-6f7a8b9c0d1e2f3a4b5c6d7e" "shop.example.com" "${CERT}" 1 2024-03-14T09:27:12.000000Z "forward" "-" "-" "10.0.12.36:8080" "-" "-" "-" TID_0a1b2c3d4e5f60718293a4b5c6d7e8f9`,
  lambda: `https 2024-03-14T09:29:40.551000Z app/prod-web-alb/50dc6c495c0c9188 203.0.113.42:53500 - 0.001 0.120 0.000 502 - 288 310 "GET https://shop.example.com:443/hooks/stripe HTTP/1.1" "Stripe/1.0 (+https://stripe.com/docs/webhooks)" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hooks-lambda/0c8b7a6f5e4d3c2b "Root=1-65f2c3a4-7e6d5c4b3a2918071f2e3d4c" "shop.example.com" "${CERT}" 3 2024-03-14T09:29:40.430000Z "forward" "-" "LambdaUnhandled" "-" "-" "-" "-" TID_77aa66bb55cc44dd33ee22ff11009988`,
  notFound: `http 2024-03-14T09:30:05.700000Z app/prod-web-alb/50dc6c495c0c9188 192.0.2.61:44120 10.0.12.34:8080 0.000 0.004 0.000 404 404 190 120 "GET http://shop.example.com:80/wp-admin/setup-config.php HTTP/1.1" "Mozilla/5.0 zgrab/0.x" - - ${TG} "Root=1-65f2c3bd-2c3d4e5f6a7b8c9d0e1f2a3b" "-" "-" 1 2024-03-14T09:30:05.695000Z "forward" "-" "-" "10.0.12.34:8080" "404" "Ambiguous" "AmbiguousUri" TID_aa00bb11cc22dd33ee44ff5566778899 "-" "-" "-"`,
  websocket: `wss 2024-03-14T09:41:00.000000Z app/prod-web-alb/50dc6c495c0c9188 203.0.113.42:53611 10.0.12.37:8080 0.000 0.002 0.000 101 101 1120 5123 "GET https://shop.example.com:443/ws/notifications HTTP/1.1" "${CHROME}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ${TG} "Root=1-65f2c45c-3d4e5f6a7b8c9d0e1f2a3b4c" "shop.example.com" "${CERT}" 4 2024-03-14T09:31:10.000000Z "forward" "-" "-" "10.0.12.37:8080" "101" "-" "-" TID_abcdefabcdefabcdefabcdefabcdefab`,
};

export const ELB_CLASSIC = {
  ok: '2024-03-14T09:26:53.945958Z prod-classic-elb 198.51.100.23:51234 10.0.3.17:80 0.000073 0.001048 0.000057 200 200 0 2950 "GET http://www.example.com:80/products/1234 HTTP/1.1" "curl/8.4.0" - -',
  timeout: '2024-03-14T09:27:33.101010Z prod-classic-elb 198.51.100.24:40001 10.0.3.18:80 0.000041 -1 -1 504 - 512 0 "POST https://www.example.com:443/cart/items HTTP/1.1" "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2',
  tcp: '2024-03-14T09:28:00.000500Z prod-classic-elb 198.51.100.25:6012 10.0.3.17:443 0.000057 0.000109 0.000042 - - 57 502 "- - - " "-" ECDHE-ECDSA-AES128-GCM-SHA256 TLSv1.2',
  notFound: '2024-03-14T09:29:10.500000Z prod-classic-elb 192.0.2.200:33221 10.0.3.19:80 0.000050 0.002110 0.000030 404 404 0 310 "GET http://www.example.com:80/.env HTTP/1.1" "python-requests/2.31.0" - -',
};

/** The 33 default CloudFront fields, in order. */
export const CLOUDFRONT_FIELDS = 'date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end';

const tsv = (...values: string[]) => values.join('\t');

export const CLOUDFRONT = {
  version: '#Version: 1.0',
  fields: `#Fields: ${CLOUDFRONT_FIELDS}`,
  hit: tsv('2024-03-14', '09:26:53', 'FRA56-P5', '53921', '198.51.100.77', 'GET', 'd111111abcdef8.cloudfront.net', '/images/products/48213.jpg', '200', 'https://www.example.com/', 'Mozilla/5.0%20(iPhone;%20CPU%20iPhone%20OS%2017_3%20like%20Mac%20OS%20X)%20AppleWebKit/605.1.15', '-', 'session=abc123', 'Hit', 'SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==', 'www.example.com', 'https', '23', '0.002', '-', 'TLSv1.3', 'TLS_AES_128_GCM_SHA256', 'Hit', 'HTTP/2.0', '-', '-', '11040', '0.002', 'Hit', 'image/jpeg', '53120', '-', '-'),
  originTimeout: tsv('2024-03-14', '09:27:40', 'IAD89-C1', '1044', '203.0.113.18', 'GET', 'd111111abcdef8.cloudfront.net', '/api/search', '504', '-', 'Mozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2014_3)', 'q=running%20shoes&page=2', '-', 'Error', 'k6WGMNkEzR5BEM_SaF47gjtX9zBDO2m349OY2an0QPEaUum1ZOLrow==', 'www.example.com', 'https', '512', '30.012', '-', 'TLSv1.3', 'TLS_AES_128_GCM_SHA256', 'Error', 'HTTP/1.1', '-', '-', '52011', '30.012', 'OriginCommError', 'text/html', '915', '-', '-'),
  forbidden: tsv('2024-03-14', '09:28:02', 'SIN2-P3', '601', '192.0.2.14', 'POST', 'd111111abcdef8.cloudfront.net', '/wp-login.php', '403', '-', 'Go-http-client/1.1', '-', '-', 'Error', 'Yq1s5zAC3z4wBvkDRT-O6uvMA7wW9WnI2aDSGl5mSlu0AUPEd3S_Hw==', 'www.example.com', 'https', '420', '0.001', '-', 'TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256', 'Error', 'HTTP/1.1', '-', '-', '41874', '0.001', 'Error', 'text/html', '183', '-', '-'),
};

const S3_OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
const S3_TAIL = 'SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader media-assets-prod.s3.eu-west-1.amazonaws.com TLSv1.2 - -';

export const S3 = {
  get: `${S3_OWNER} media-assets-prod [06/Feb/2019:00:00:38 +0000] 192.0.2.3 arn:aws:iam::123456789012:user/deploy 3E57427F3EXAMPLE REST.GET.OBJECT photos/2019/48213.jpg "GET /media-assets-prod/photos/2019/48213.jpg HTTP/1.1" 200 - 52340 52340 45 12 "-" "aws-sdk-java/1.12.600 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.9+8 java/17.0.9" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= ${S3_TAIL}`,
  notFound: `${S3_OWNER} media-assets-prod [06/Feb/2019:00:01:02 +0000] 198.51.100.40 - 891CE47D2EXAMPLE REST.HEAD.OBJECT photos/2019/99999.jpg "HEAD /photos/2019/99999.jpg HTTP/1.1" 404 NoSuchKey 306 - 8 - "https://www.example.com/gallery" "${CHROME}" - 9vKBE6vMhrNiWHZmb2L0mXOcqPGzQOI5XLnCtZNPxev+Hf+7tpT6sxDwDty4LHBUOZJG96N1234= SigV2 ECDHE-RSA-AES128-GCM-SHA256 QueryString media-assets-prod.s3.eu-west-1.amazonaws.com TLSv1.2 - -`,
  slowDown: `${S3_OWNER} media-assets-prod [06/Feb/2019:00:01:15 +0100] 10.0.7.21 arn:aws:sts::123456789012:assumed-role/ingest-worker/i-0abc1234def567890 A1206F460EXAMPLE REST.PUT.OBJECT uploads/2f1c9a7e-0b4d-4c8e-9f3a-6b5d4c3e2f1a.bin "PUT /uploads/2f1c9a7e-0b4d-4c8e-9f3a-6b5d4c3e2f1a.bin?partNumber=3&uploadId=VXBsb2FkSWQ HTTP/1.1" 503 SlowDown 340 8388608 1203 - "-" "aws-cli/2.15.30 Python/3.11.8 Linux/5.10 exe/x86_64" - BNaBsXZQQDbssi6xMBdBU2sLt+Yf5kZDmeBUP35sFoKa3sLLeMC78iwEIWxs99CRUrbS4n11234= ${S3_TAIL}`,
  versioning: `${S3_OWNER} media-assets-prod [06/Feb/2019:00:02:00 +0000] 192.0.2.3 ${S3_OWNER} 7B4A0FABBEXAMPLE REST.GET.VERSIONING - "GET /media-assets-prod?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - Ke1bUcazaN1jWuUlPJaxF64cQVpUEhoZKEG/hmy/gijN/I1DeWqDfFvnpybfEseEME/u7ME1234= ${S3_TAIL}`,
  expire: `${S3_OWNER} media-assets-prod [06/Feb/2019:00:03:11 +0000] - AmazonS3 7C5A8B3C2EXAMPLE S3.EXPIRE.OBJECT logs/2019/01/app.log.gz "-" - - - - - - "-" "-" - - - - - - - - -`,
};

export const VPC = {
  header: 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
  sshReject: '2 123456789012 eni-0a1b2c3d4e5f60718 198.51.100.14 10.0.1.25 51834 22 6 1 40 1710408413 1710408471 REJECT OK',
  httpsReturn: '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.25 203.0.113.9 443 49321 6 12 5632 1710408413 1710408471 ACCEPT OK',
  dns: '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.25 10.0.0.2 36812 53 17 2 152 1710408413 1710408471 ACCEPT OK',
  icmp: '2 123456789012 eni-0a1b2c3d4e5f60718 203.0.113.50 10.0.1.25 0 0 1 4 336 1710408413 1710408471 REJECT OK',
  noData: '2 123456789012 eni-0f9e8d7c6b5a43210 - - - - - - - 1710408413 1710408471 - NODATA',
  skipData: '2 123456789012 eni-0f9e8d7c6b5a43210 - - - - - - - 1710408413 1710408471 - SKIPDATA',
};

export const SAMPLES: Record<string, string[]> = {
  alb: Object.values(ALB),
  'elb-classic': Object.values(ELB_CLASSIC),
  cloudfront: Object.values(CLOUDFRONT),
  's3-access': Object.values(S3),
  'vpc-flow': Object.values(VPC),
};

/** Junk no AWS preset should read. */
export const JUNK = [
  'hello world',
  '2024-03-14T09:26:53.412Z INFO starting server on port 8080',
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
  '{"level":"info","msg":"ready"}',
  'Mar 14 09:26:53 web-1 sshd[4211]: Accepted publickey for deploy from 198.51.100.14 port 51834 ssh2',
  'https "unterminated quote',
  '\tat com.example.Foo.bar(Foo.java:42)',
  'a\tb\tc',
];

/** Parses `lines` with one fresh parser of `preset`, as ingest does for one file. */
export function parseAll(preset: TextPreset, lines: readonly string[]): (LogRecord | typeof SKIP | undefined)[] {
  const parser = preset.create(context);
  return lines.map((line, i) => parser.parse(line, 'sample.log', i + 1));
}

/** Parses `lines` and returns the records, headers (SKIP) left out; fails loudly if a line was not read. */
export function records(preset: TextPreset, lines: readonly string[]): LogRecord[] {
  const out: LogRecord[] = [];
  parseAll(preset, lines).forEach((result, i) => {
    if (result === undefined) throw new Error(`line ${i + 1} was not read: ${lines[i]}`);
    if (result !== SKIP) out.push(result);
  });
  return out;
}

/** How many of `lines` a fresh parser of `preset` reads (records or skipped headers). */
export function readCount(preset: TextPreset, lines: readonly string[]): number {
  return parseAll(preset, lines).filter((result) => result !== undefined).length;
}
