import { describe, expect, it } from 'vitest';
import { MemoryChunkStore, MemoryMetaStore, openStorage } from '../../src/store/index.js';
import { chunkStoreConformance, chunkOf } from '../conformance/chunk-store.js';
import { metaStoreConformance } from '../conformance/meta-store.js';

chunkStoreConformance('memory', async () => new MemoryChunkStore());
metaStoreConformance('memory', async () => new MemoryMetaStore());

describe('openStorage() without a path', () => {
  it('gives memory stores and closes both', async () => {
    const st = await openStorage();
    expect(st.chunks).toBeInstanceOf(MemoryChunkStore);
    expect(st.meta).toBeInstanceOf(MemoryMetaStore);
    const c = chunkOf('x');
    await st.chunks.put(c.cid, c.bytes);
    await st.meta.batch([{ type: 'put', key: 'HEAD', value: c.cid.bytes }]);
    await st.close();
    await st.close();
    expect(() => st.chunks.getSync(c.cid)).toThrow(/closed/);
    await expect(st.meta.get('HEAD')).rejects.toThrow(/closed/);
  });
});
