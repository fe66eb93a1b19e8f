/** Fetch failures in plain words: what `taza check` and the command replies say instead of the system's codes. */
import { describe, expect, it } from 'vitest';
import { explainFetchError } from '../../src/fetcher/explain.js';
import { FetchError } from '../../src/fetcher/types.js';

const url = 'https://feeds.example.org/rss.xml';
const network = (message: string) => explainFetchError(new FetchError('network', message, { url }));

describe('explainFetchError', () => {
  it('names the host and port for a refused or reset connection', () => {
    expect(network('ECONNREFUSED: connect ECONNREFUSED 203.0.113.9:443')).toBe(
      'nothing is listening at feeds.example.org:443 (the server is down, or the address is wrong)',
    );
    expect(explainFetchError(new FetchError('network', 'ECONNREFUSED: x'), 'http://10.0.0.1:8080/feed')).toBe(
      'nothing is listening at 10.0.0.1:8080 (the server is down, or the address is wrong)',
    );
    expect(network('ECONNRESET: socket hang up')).toBe(
      'the server at feeds.example.org:443 closed the connection without answering',
    );
  });

  it('says what is wrong with a certificate', () => {
    expect(network('CERT_HAS_EXPIRED: certificate has expired')).toBe(
      "the server's TLS certificate has expired, so the connection cannot be trusted",
    );
    expect(network("ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames")).toBe(
      "the server's TLS certificate is for another name, so the connection cannot be trusted",
    );
    expect(network('EPROTO: write EPROTO …:wrong version number:…')).toMatch(/does not speak TLS/);
  });

  it('tells a name that does not exist from DNS that does not answer', () => {
    const dns = (message: string) => explainFetchError(new FetchError('dns', message, { url }));
    expect(dns('could not resolve feeds.example.org: getaddrinfo ENOTFOUND feeds.example.org')).toBe(
      'there is no server named feeds.example.org: check the spelling of the address',
    );
    expect(dns('could not resolve feeds.example.org: getaddrinfo EAI_AGAIN feeds.example.org')).toMatch(
      /^the name feeds\.example\.org could not be looked up/,
    );
  });

  it('reads an HTTP status with a hint', () => {
    const http = (status: number, message: string) =>
      explainFetchError(new FetchError('http', message, { status, url }));
    expect(http(502, 'HTTP 502 Bad Gateway')).toBe(
      'the server answered HTTP 502 Bad Gateway: the server has a problem; try again later',
    );
    expect(http(418, 'HTTP 418')).toBe('the server answered HTTP 418');
    expect(explainFetchError(new FetchError('timeout', 'no complete answer within 20 s', { url }))).toBe(
      'feeds.example.org did not answer in time (no complete answer within 20 s)',
    );
  });
});
