package dev.jipc;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can be serialized, so that a lambda given where one is expected travels
 * to another JVM with what it captures: a {@link ProcessPool} task.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.create(2)) {
 *     int n = 41;
 *     SerializableCallable<Integer> task = () -> n + 1;   // captures n: it travels with the task
 *     System.out.println(pool.submit(task).join());      // 42, computed in a worker JVM
 * }
 * }</pre>
 *
 * @param <T> the result's type, which must be serializable too (or the result null)
 */
@FunctionalInterface
public interface SerializableCallable<T> extends Callable<T>, Serializable {
}
