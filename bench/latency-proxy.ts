/**
 * A loopback HTTP proxy that holds every request `ms` milliseconds before forwarding it unchanged
 * (same Host header, so SigV4 signatures still verify): a stand-in for S3's per-request latency,
 * which a loopback server does not have. Bodies stream through both ways.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LatencyProxy {
  endpoint: string;
  close(): Promise<void>;
}

export async function latencyProxy(target: string, ms: number): Promise<LatencyProxy> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    setTimeout(() => {
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', (err) => res.destroy(err));
      req.pipe(out);
    }, ms);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
