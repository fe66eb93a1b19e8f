/**
 * A fetch failure in a person's words, for replies and `taza check`: "nothing is listening at 127.0.0.1:9"
 * rather than "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9". Plain text, no URL in front: callers say which.
 */
import { FetchError } from './types.js';

/** Host and port as a person would type them (the scheme's default port when the URL has none). */
function hostAndPort(url: string | undefined): { host: string; port: string } | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return {
      host: parsed.hostname,
      port: parsed.port || (parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : ''),
    };
  } catch {
    return undefined;
  }
}

/** The system error code the fetcher put in front of a network error's message ("ECONNREFUSED: …"). */
function systemCode(message: string): string | undefined {
  return /^([A-Z][A-Z0-9_]+):/.exec(message)?.[1] ?? /\b(ENOTFOUND|EAI_AGAIN|ESERVFAIL)\b/.exec(message)?.[1];
}

const TLS_PROBLEMS: Record<string, string> = {
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  CERT_NOT_YET_VALID: "the server's TLS certificate is not valid yet (or this machine's clock is wrong)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate comes from an authority this machine does not trust",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate could not be verified (its chain is incomplete)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's TLS certificate comes from an authority this machine does not know",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's TLS certificate is for another name",
  CERT_REVOKED: "the server's TLS certificate has been revoked",
};

const HTTP_HINTS: Record<number, string> = {
  400: 'the server did not accept the request',
  401: 'the feed needs a login',
  403: 'the server refuses access: the feed is private or blocks bots',
  404: 'there is nothing at this address',
  410: 'the publisher removed it',
  429: 'the server asks to slow down; try again later',
  500: 'the server has a problem; try again later',
  502: 'the server has a problem; try again later',
  503: 'the server is unavailable; try again later',
  504: 'the server has a problem; try again later',
};

function httpProblem(error: FetchError): string {
  const status = error.details.status;
  if (status === undefined) return error.message;
  const said = /^HTTP \d+/.test(error.message) ? error.message : `HTTP ${status}`;
  const hint = HTTP_HINTS[status] ?? (status >= 500 ? 'the server has a problem; try again later' : undefined);
  return `the server answered ${said}${hint ? `: ${hint}` : ''}`;
}

function networkProblem(error: FetchError, where: { host: string; port: string } | undefined): string {
  const code = systemCode(error.message);
  const at = where ? `${where.host}:${where.port}` : 'the server';
  if (code === 'ECONNREFUSED') return `nothing is listening at ${at} (the server is down, or the address is wrong)`;
  if (code === 'ECONNRESET' || /socket hang up/.test(error.message))
    return `the server at ${at} closed the connection without answering`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return `${where?.host ?? 'the server'} cannot be reached from this machine (no route to it)`;
  if (code && TLS_PROBLEMS[code]) return `${TLS_PROBLEMS[code]}, so the connection cannot be trusted`;
  if (/wrong version number|packet length too long|unknown protocol/i.test(error.message) || code === 'EPROTO')
    return `the server at ${at} does not speak TLS (https); if it serves plain http, use an http:// address`;
  if (/certificate|TLS|SSL/i.test(error.message))
    return `a secure (TLS) connection could not be made: ${error.message}`;
  return error.message;
}

function dnsProblem(error: FetchError, host: string | undefined): string {
  const name = host ?? 'the server';
  if (/EAI_AGAIN|ESERVFAIL|ETIMEOUT|ECONNREFUSED/.test(error.message))
    return `the name ${name} could not be looked up (no answer from DNS: check this machine's network)`;
  return `there is no server named ${name}: check the spelling of the address`;
}

/** What went wrong, in plain words (see the file comment); `url` is the address that was asked for. */
export function explainFetchError(error: FetchError, url?: string): string {
  const where = hostAndPort(error.details.url ?? url);
  switch (error.kind) {
    case 'network':
      return networkProblem(error, where);
    case 'dns':
      return dnsProblem(error, where?.host);
    case 'timeout':
      return `${where?.host ?? 'the server'} did not answer in time (${error.message})`;
    case 'http':
    case 'gone':
    case 'rate-limited':
      return httpProblem(error);
    case 'blocked':
      return `${where?.host ?? 'the address'} is a private or local network address, which Taza does not fetch unless ALLOW_PRIVATE_NETWORKS allows it`;
    default:
      return error.message;
  }
}
