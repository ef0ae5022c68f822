/**
 * A stand-in for Amazon Bedrock Runtime's Converse API on 127.0.0.1, over HTTP/2 like the real one
 * (the SDK's default handler speaks HTTP/2): `POST /model/<url-encoded modelId>/converse`. Each
 * call is recorded; a responder decides the reply: a tool answer, plain text, or an error with
 * `x-amzn-errortype` as Bedrock sends it. The default responder is a well-behaved model that cites
 * the anomalous lines it was shown.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface ConverseCall {
  modelId: string;
  body: {
    system?: { text: string }[];
    messages: { role: string; content: { text?: string }[] }[];
    inferenceConfig?: { maxTokens?: number; temperature?: number };
    toolConfig?: { tools: { toolSpec: { name: string; inputSchema: { json: unknown } } }[]; toolChoice?: unknown };
  };
  /** The user prompt (text of the last message). */
  prompt: string;
  system: string;
}

export type FakeReply =
  | { answer: unknown; usage?: { inputTokens: number; outputTokens: number } }
  | { text: string }
  | { status: number; errorType: string; message: string };

/** May answer later (a promise): a slow model, or one held until the test lets it answer. */
export type Responder = (call: ConverseCall, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeConverse {
  endpoint: string;
  calls: ConverseCall[];
  respond: Responder;
  close(): Promise<void>;
}

/** Lines (`[line N]`) shown in a prompt, and those marked as anomalous. */
export function promptLines(prompt: string): { all: number[]; anomalous: number[] } {
  const all: number[] = [];
  const anomalous: number[] = [];
  for (const match of prompt.matchAll(/^\[line (\d+)\].*$/gm)) {
    all.push(Number(match[1]));
    if (match[0].endsWith('← ANOMALY')) anomalous.push(Number(match[1]));
  }
  return { all, anomalous };
}

/** What a good model answers: the anomalous lines and the warning/error before the first one as evidence. */
export function goodAnswer(prompt: string): Record<string, unknown> {
  const { all, anomalous } = promptLines(prompt);
  const first = anomalous[0] ?? all[0]!;
  const before = all.filter((line) => line < first).slice(-1);
  return {
    summary: 'The checkout failed after the payment gateway timed out.',
    rootCause: `The payment gateway timed out (line ${before[0] ?? first}), so the order could not be created.`,
    causalChain: ['payment gateway timeout', 'order creation failed', 'request answered 503'],
    evidenceLines: [...before, ...anomalous.slice(0, 5)],
    confidence: 0.8,
    nextStep: 'Check the payment gateway latency at that time.',
  };
}

export async function startFakeConverse(respond: Responder = (call) => ({ answer: goodAnswer(call.prompt) })): Promise<FakeConverse> {
  const fake: FakeConverse = { endpoint: '', calls: [], respond, close: async () => undefined };
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', async () => {
      const path = String(headers[':path'] ?? '');
      const match = /^\/model\/([^/]+)\/converse$/.exec(path);
      if (headers[':method'] !== 'POST' || !match) {
        stream.respond({ ':status': 404, 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' });
        stream.end(JSON.stringify({ message: `no route ${path}` }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ConverseCall['body'];
      const last = body.messages[body.messages.length - 1];
      const call: ConverseCall = {
        modelId: decodeURIComponent(match[1]!), body,
        prompt: (last?.content ?? []).map((c) => c.text ?? '').join(''), system: (body.system ?? []).map((s) => s.text).join(''),
      };
      fake.calls.push(call);
      const reply = await fake.respond(call, fake.calls.length - 1);
      // The client may have given up (its request timeout) while a slow reply was pending.
      if (stream.destroyed || stream.closed) return;
      if ('status' in reply) {
        stream.respond({ ':status': reply.status, 'content-type': 'application/json', 'x-amzn-errortype': `${reply.errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': `req-${fake.calls.length}` });
        stream.end(JSON.stringify({ message: reply.message }));
        return;
      }
      const content = 'answer' in reply
        ? [{ toolUse: { toolUseId: `tooluse_${fake.calls.length}`, name: body.toolConfig?.tools[0]?.toolSpec.name ?? 'tool', input: reply.answer } }]
        : [{ text: reply.text }];
      const inputTokens = Math.ceil((call.system.length + call.prompt.length) / 4);
      const usage = 'answer' in reply && reply.usage ? reply.usage : { inputTokens, outputTokens: 120 };
      stream.respond({ ':status': 200, 'content-type': 'application/json', 'x-amzn-requestid': `req-${fake.calls.length}` });
      stream.end(JSON.stringify({
        output: { message: { role: 'assistant', content } },
        stopReason: 'answer' in reply ? 'tool_use' : 'end_turn',
        usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens },
        metrics: { latencyMs: 7 },
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  fake.close = async () => {
    for (const session of sessions) session.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return fake;
}
