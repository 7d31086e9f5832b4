/**
 * Deep-copies plain data (plain objects and arrays) into fresh mutable objects; other values (Dates,
 * class instances, primitives) are kept by reference. Used where a frozen input must be worked on. @internal
 */
export function clonePlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => clonePlain(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = clonePlain((value as Record<string, unknown>)[key]);
    // an own "__proto__" key (as JSON.parse makes it) must stay an own key, not set the prototype
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}
