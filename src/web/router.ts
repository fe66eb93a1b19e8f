/** A small router: method + path pattern (`/feeds/:id`) to a handler; the first route that fits answers. */
export type Params = Record<string, string>;

interface Route<H> {
  method: string;
  parts: string[];
  handler: H;
}

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: 'GET' | 'POST', pattern: string, handler: H): this {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** The handler and its path parameters, or 'method' when the path exists with another method only. */
  find(method: string, path: string): { handler: H; params: Params } | 'method' | undefined {
    const parts = path.split('/').filter(Boolean);
    let otherMethod = false;
    for (const route of this.routes) {
      const params = matchParts(route.parts, parts);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET'))
        return { handler: route.handler, params };
      otherMethod = true;
    }
    return otherMethod ? 'method' : undefined;
  }
}

function matchParts(pattern: string[], parts: string[]): Params | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Params = {};
  for (const [i, part] of pattern.entries()) {
    const actual = parts[i]!;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (part !== actual) return undefined;
  }
  return params;
}
