import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: (path: string) => string;
  port: number;
  requests: IncomingMessage[];
  close: () => Promise<void>;
}

/** A local HTTP server on 127.0.0.1 whose routes are plain handlers; every request is recorded. */
export async function startServer(
  routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>,
): Promise<TestServer> {
  const requests: IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes[path];
    if (route) route(req, res);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
