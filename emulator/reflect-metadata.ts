// The small part of the Reflect metadata API that @peculiar/x509's dependency injection (tsyringe) needs at load time.
// Imported before @peculiar/x509; a no-op when a full polyfill is already present.
type Target = object
type Key = string | symbol | undefined

interface ReflectMetadata {
  metadata(key: unknown, value: unknown): (target: Target, property?: Key) => void
  defineMetadata(key: unknown, value: unknown, target: Target, property?: Key): void
  getOwnMetadata(key: unknown, target: Target, property?: Key): unknown
  getMetadata(key: unknown, target: Target, property?: Key): unknown
  hasOwnMetadata(key: unknown, target: Target, property?: Key): boolean
  hasMetadata(key: unknown, target: Target, property?: Key): boolean
}

const store = new WeakMap<Target, Map<Key, Map<unknown, unknown>>>()

function own(target: Target, property: Key, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target)
  if (!byProperty) {
    if (!create) return undefined
    byProperty = new Map()
    store.set(target, byProperty)
  }
  let entries = byProperty.get(property)
  if (!entries && create) {
    entries = new Map()
    byProperty.set(property, entries)
  }
  return entries
}

function chain(target: Target, property: Key): Map<unknown, unknown> | undefined {
  for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
    const entries = own(t, property, false)
    if (entries) return entries
  }
  return undefined
}

const api: ReflectMetadata = {
  metadata: (key, value) => (target, property) => own(target, property, true)?.set(key, value),
  defineMetadata: (key, value, target, property) => own(target, property, true)?.set(key, value),
  getOwnMetadata: (key, target, property) => own(target, property, false)?.get(key),
  getMetadata: (key, target, property) => {
    for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
      const entries = own(t, property, false)
      if (entries?.has(key)) return entries.get(key)
    }
    return undefined
  },
  hasOwnMetadata: (key, target, property) => own(target, property, false)?.has(key) ?? false,
  hasMetadata: (key, target, property) => chain(target, property)?.has(key) ?? false
}

const reflect = Reflect as unknown as Partial<ReflectMetadata>
if (typeof reflect.getMetadata !== 'function') Object.assign(Reflect, api)
