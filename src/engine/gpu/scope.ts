/**
 * Ownership of GPU resources, after neuroglancer's registerDisposer: whatever a scope owns is destroyed
 * together when the scope ends, however it ends (done, cancelled, failed, device lost), so no method keeps
 * its own list of buffers to free.
 */
export interface Destroyable {
  destroy(): void;
}

export class GpuScope {
  private readonly owned: Destroyable[] = [];

  /** Take `resource` into the scope; returns it, so allocation and ownership are one expression. */
  own<T extends Destroyable>(resource: T): T {
    this.owned.push(resource);
    return resource;
  }

  /** Destroy everything owned, newest first. */
  dispose(): void {
    for (const resource of this.owned.splice(0).reverse()) resource.destroy();
  }
}

/** Run `body` with a fresh scope, disposed when the body settles. */
export async function withGpuScope<T>(body: (scope: GpuScope) => Promise<T>): Promise<T> {
  const scope = new GpuScope();
  try {
    return await body(scope);
  } finally {
    scope.dispose();
  }
}
