// Which methods a path takes, so a known path asked with another method is
// 405 with an Allow header (in our error shape) rather than a 404 that says
// the route does not exist. fastify keeps its router to itself, so the
// routes are noted here as they are registered.

/** A registered route's path pattern (`/orders/:id`) as a matcher for a concrete path. */
function matcher(url: string): RegExp {
  const parts = url.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('/')}/?$`);
}

export class AllowedMethods {
  private readonly routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];

  add(method: string | string[], url: string): void {
    const pattern = matcher(url);
    let route = this.routes.find((known) => known.pattern.source === pattern.source);
    if (!route) {
      route = { pattern, methods: new Set() };
      this.routes.push(route);
    }
    for (const name of Array.isArray(method) ? method : [method]) route.methods.add(name);
  }

  /** The methods `path` takes, sorted; empty when no route has this path. */
  of(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    return [...methods].sort();
  }
}
