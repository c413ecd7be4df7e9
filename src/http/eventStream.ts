import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Turns a request into a server-sent-event stream: the headers proxies need to pass it through
 * unbuffered, a ping every 15 s so idle connections are not cut, and `onClose` when the client
 * goes. Returns a function writing one named event.
 */
export function openEventStream(req: FastifyRequest, reply: FastifyReply, onClose: () => void): (event: string, data: string) => void {
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
  req.raw.on('close', () => {
    clearInterval(ping);
    onClose();
  });
  return (event, data) => res.write(`event: ${event}\ndata: ${data}\n\n`);
}
