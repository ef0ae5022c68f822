/**
 * A local OpenAI-compatible chat-completions server (`POST /v1/chat/completions`) standing in for
 * Ollama or llama.cpp's server. Requests are recorded; the default reply is a JSON answer in the
 * message content (structured output), citing the anomalous lines of the prompt.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { goodAnswer } from './fake-converse.ts';

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
  temperature?: number;
}

export interface FakeOpenAi {
  baseUrl: string;
  requests: ChatRequest[];
  /** Status and body (an object is sent as a chat completion with that content as JSON). */
  respond: (request: ChatRequest, index: number) => { status: number; content?: unknown; error?: string };
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const fake: FakeOpenAi = {
    baseUrl: '', requests: [],
    respond: (request) => ({ status: 200, content: goodAnswer(request.messages.at(-1)!.content) }),
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
      fake.requests.push(request);
      const reply = fake.respond(request, fake.requests.length - 1);
      if (reply.status !== 200) {
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: reply.error ?? 'error' } }));
        return;
      }
      const prompt = request.messages.map((m) => m.content).join('');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        id: `chatcmpl-${fake.requests.length}`, object: 'chat.completion', model: request.model,
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: typeof reply.content === 'string' ? reply.content : JSON.stringify(reply.content) } }],
        usage: { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: 90, total_tokens: Math.ceil(prompt.length / 4) + 90 },
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return fake;
}
