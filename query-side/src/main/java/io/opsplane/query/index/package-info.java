/**
 * Ordered lists kept as documents whose {@code _id} encodes list, level and key range, so that a page of any list
 * is read with exact and {@code $in} matches on {@code _id} only, the one access path the embedded store and
 * MongoDB both serve from an index (see {@link io.opsplane.query.index.KeyedIndex}).
 */
package io.opsplane.query.index;
