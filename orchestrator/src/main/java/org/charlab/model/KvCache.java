package org.charlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for a batch, preallocated to {@code capacity} columns:
 * per layer k, v of shape [B, kv_heads, capacity, head_dim]. A forward pass writes its new
 * positions in place and attends over the filled prefix (a view, no copy), so a decode step costs
 * O(1) copies instead of re-concatenating the whole history.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int batch;
    private final int capacity;
    private int length;

    private KvCache(NDManager manager, ModelConfig cfg, int batch, int capacity) {
        this.manager = manager;
        this.batch = batch;
        this.capacity = capacity;
        int layers = cfg.numHiddenLayers();
        keys = new NDArray[layers];
        values = new NDArray[layers];
        Shape shape = new Shape(batch, cfg.numKeyValueHeads(), capacity, cfg.headDim());
        for (int l = 0; l < layers; l++) {
            keys[l] = manager.zeros(shape, DataType.FLOAT32);
            values[l] = manager.zeros(shape, DataType.FLOAT32);
        }
    }

    /**
     * A cache for {@code batch} rows and up to {@code capacity} columns, in its own sub-manager of
     * {@code parent}. Columns are not positions: with left-padded rows of different lengths the
     * batch may hold more columns than max_position_embeddings while every row's own positions stay
     * below it (the caller passes each row's positions; the rotary tables bound them).
     */
    public static KvCache allocate(ModelConfig cfg, NDManager parent, int batch, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity " + capacity + " (must be at least 1)");
        }
        return new KvCache(parent.newSubManager(), cfg, batch, capacity);
    }

    /** Positions filled so far. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    public int batch() {
        return batch;
    }

    /**
     * Writes {@code k}, {@code v} [B, kv_heads, T, head_dim] of {@code layer} at positions
     * length..length+T-1 and returns views of positions 0..length+T-1 owned by {@code step}.
     * {@link #advance} must follow once every layer has been written.
     */
    NDArray[] append(int layer, NDArray k, NDArray v, NDManager step) {
        int t = (int) k.getShape().get(2);
        if (length + t > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + t + " > " + capacity);
        }
        NDIndex slot = new NDIndex(":, :, {}:{}", length, length + t);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex filled = new NDIndex(":, :, :{}", length + t);
        NDArray kAll = keys[layer].get(filled);
        NDArray vAll = values[layer].get(filled);
        kAll.attach(step);
        vAll.attach(step);
        return new NDArray[] {kAll, vAll};
    }

    void advance(int t) {
        length += t;
    }

    /** Forgets every position (the arrays are reused). */
    public void reset() {
        length = 0;
    }

    @Override
    public void close() {
        manager.close();
    }
}
