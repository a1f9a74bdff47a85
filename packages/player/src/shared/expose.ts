/**
 * Defines `target[name]` as a read-only view for automated browser tests: one getter per
 * property of `read()`'s result, so every read returns the current value; neither the
 * view nor the property can be changed or replaced.
 */
export function exposeLive<T extends object>(target: object, name: string, read: () => T): void {
  const view = {};
  for (const key of Object.keys(read()) as (keyof T & string)[]) {
    Object.defineProperty(view, key, { enumerable: true, get: () => read()[key] });
  }
  Object.defineProperty(target, name, { value: Object.freeze(view), enumerable: false, writable: false, configurable: false });
}
