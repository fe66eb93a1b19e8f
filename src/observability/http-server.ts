/**
 * The operations endpoint: /healthz (liveness: the process and its store answer), /readyz (every platform
 * connected) and /metrics (Prometheus text). Plain node:http: three read-only routes need no framework. Every other
 * path goes to `fallback` when given (the web dashboard, src/web/), which does its own authentication.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/logger.js';

/** A probe's answer: `ok` decides 200 or 503; every other field goes into the JSON body to say what is wrong. */
export interface ProbeReport {
  ok: boolean;
  [detail: string]: unknown;
}

/**
 * A route another part adds (the WebSub callback): every request whose path starts with `prefix`, any method.
 * It answers itself; the server only catches what it throws.
 */
export interface HttpRoute {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port (logged as `http.listening`). */
  port: number;
  health: () => Promise<ProbeReport> | ProbeReport;
  ready: () => Promise<ProbeReport> | ProbeReport;
  metrics: { contentType: string; render(): Promise<string> };
  logger: Logger;
  routes?: HttpRoute[];
  /** Answers every other path (the web dashboard); without it they are 404. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export interface HttpServer {
  /** The port actually bound (the free one chosen when asked for 0). */
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { logger } = options;
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      logger.error({ event: 'http.error', path: req.url, err: error }, 'health/metrics request failed');
      send(
        res,
        500,
        'application/json',
        JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) }),
        req.method === 'HEAD',
      );
    });
  });
  // A probe that hangs must not keep a socket forever (Docker's HEALTHCHECK has its own timeout too).
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  // Node's 5 s default lets a proxy or a pooling client (a load balancer, a test's API client) reuse a socket the
  // server is closing, and the request fails with ECONNRESET. Idle longer than they do, so they close first.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `HTTP_PORT ${options.port} on ${options.host} is already in use: stop what uses it or set HTTP_PORT to another port (0 picks a free one)`
            : `could not listen on ${options.host}:${options.port} (HTTP_HOST/HTTP_PORT): ${error.message}`,
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  logger.info(
    { event: 'http.listening', host: options.host, port },
    `health and metrics on http://${options.host}:${port} (/healthz, /readyz, /metrics)`,
  );
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus and Docker keep connections alive; idle ones would hold close() open.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

async function handle(options: HttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const route = options.routes?.find((each) => (req.url ?? '').startsWith(each.prefix));
  if (route) return route.handle(req, res);
  const head = req.method === 'HEAD';
  const path = new URL(req.url ?? '/', 'http://taza').pathname;
  if (options.fallback && !PROBE_PATHS.has(path)) return options.fallback(req, res);
  if (req.method !== 'GET' && !head) {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'application/json', JSON.stringify({ ok: false, error: 'only GET and HEAD' }), head);
  }
  switch (path) {
    case '/healthz':
      return probe(res, await options.health(), head);
    case '/readyz':
      return probe(res, await options.ready(), head);
    case '/metrics':
      return send(res, 200, options.metrics.contentType, await options.metrics.render(), head);
    default:
      return send(
        res,
        404,
        'application/json',
        JSON.stringify({ ok: false, error: 'not found: try /healthz, /readyz or /metrics' }),
        head,
      );
  }
}

function probe(res: ServerResponse, report: ProbeReport, head: boolean): void {
  send(res, report.ok ? 200 : 503, 'application/json', JSON.stringify(report), head);
}

function send(res: ServerResponse, status: number, contentType: string, body: string, head: boolean): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body).toString(),
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : body);
}
