/**
 * Sync between databases: transports (another database folder, HTTP, CAR bundle file), the
 * DAG transfer that sends only what the other side lacks, the receiving side's ref update,
 * the HTTP sync server and the configured remotes. Imports errors, hash, store, objects, refs.
 */
export * from './transport.js';
export { chunkLinks } from './links.js';
export { transfer, type TransferOptions, type TransferProgress, type TransferResult } from './transfer.js';
export { applyRefUpdate, refListOf } from './ref-update.js';
export { FolderTransport, type FolderTransportOptions } from './folder-transport.js';
export { HttpTransport, type HttpTransportOptions } from './http-transport.js';
export { CarTransport, CarBundleWriter, encodeCar, BUNDLE_TAG } from './car-transport.js';
export { startSyncServer, type SyncHost, type ServeOptions, type SyncServer } from './http-server.js';
export { RemoteConfig, openTransport, remoteKind, normalizeRemoteUrl, type RemoteInfo, type RemoteKind, type OpenTransportOptions } from './remotes.js';
