import type { FastifyReply } from 'fastify';
import type { LongRequests } from './longRequests.ts';

/**
 * Turns a request into a server-sent-event stream: the headers proxies need to pass it through
 * unbuffered, a ping every 15 s so idle connections are not cut, and `onClose` when the client
 * goes. It holds one of the process's long-request slots (503 beyond MAX_LONG_REQUESTS) until then.
 * Returns a function writing one named event.
 */
export function openEventStream(reply: FastifyReply, slots: LongRequests, onClose: () => void): (event: string, data: string) => void {
  const release = slots.acquire();
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  // The response's close, not the request's: a GET's request side may end long before the client goes.
  res.on('close', () => {
    clearInterval(ping);
    onClose();
    release();
  });
  return (event, data) => res.write(`event: ${event}\ndata: ${data}\n\n`);
}
