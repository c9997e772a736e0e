// Node defines the FormData global as a lazy property: its first read loads Node's internal undici, and with it http2,
// worker_threads, perf_hooks and web streams, about 25 ms of a run. The identity library's HTTP pipeline reads
// `typeof FormData` on every request (its form-data policy), although a sign-in only ever sends url-encoded text.
// Node 24 loads undici on any redefinition of the property or read of its descriptor, so the only way to keep it
// unloaded is to delete the unread property: from the sign-in on, the process has no FormData global. Nothing of the
// action uses one (the health checks go through @actions/http-client, and the identity library only tests for it).

const UNDICI = 'NativeModule internal/deps/undici/undici'

/** Where Node lists the internal modules it has loaded (process.moduleLoadList); absent outside Node. */
type LoadList = readonly string[] | undefined

/**
 * Deletes the FormData global while it is still unread, which deleting does not load. Once undici is loaded the
 * global may have been read and used: it is then left alone.
 */
export function leaveFormDataUnread(
  global: object = globalThis,
  loaded: LoadList = (process as { moduleLoadList?: readonly string[] }).moduleLoadList
): void {
  if (loaded === undefined || loaded.includes(UNDICI)) return
  Reflect.deleteProperty(global, 'FormData')
}
