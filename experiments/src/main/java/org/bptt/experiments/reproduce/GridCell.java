package org.bptt.experiments.reproduce;

import java.util.Locale;

/**
 * One independent unit of a reproduction grid: a network trained by one method on one task at one length from one
 * seed. Its result depends on these fields and the preset alone, so cells can run on any machine in any order.
 *
 * @param index   its place in the preset's grid, 0-based (the order of the tables)
 * @param task    a task id of the preset
 * @param length  T
 * @param network what is trained
 * @param method  how: plain SGD or SGD with clipping
 * @param seed    the seed of its weights, training batches and evaluation batch
 */
public record GridCell(int index, String task, int length, Network network, Method method, long seed) {

    /** A file-name-safe, unique name, e.g. {@code 0007-pascanu-adding-T50-smart-tanh-sgd-c-s2}. */
    public String key() {
        return String.format(Locale.ROOT, "%04d-%s-T%d-%s-%s-s%d", index, task, length, network.id(), method.id(), seed);
    }

    /** Whether this cell belongs to shard {@code shard} of {@code shards} (1-based): every shards-th cell. */
    public boolean inShard(int shard, int shards) {
        return index % shards == shard - 1;
    }
}
